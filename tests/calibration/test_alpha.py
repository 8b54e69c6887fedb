"""Krippendorff's alpha and percent agreement, read as a specification."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import calibration.agreement as agreement_module
from calibration import krippendorff_alpha, percent_agreement
from tests.fuzzing import budget

NAN = math.nan

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", the example
# with missing data: observers A-D (rows), units 1-12 (columns), values 1-5.
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}


def long(wide: dict[str, list]) -> pd.DataFrame:
    """{rater: [value per unit]} -> long ratings; NaN cells become absent rows."""
    rows = [
        (unit, rater, value)
        for rater, values in wide.items()
        for unit, value in enumerate(values)
        if not (isinstance(value, float) and math.isnan(value))
    ]
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_worked_example(level, published):
    result = krippendorff_alpha(long(K2011), level)
    assert round(result.value, 3) == published
    # Unit 12 has one rating: unpairable, so 11 units enter the statistic.
    assert (result.n_units, result.n_raters, result.detail) == (11, 4, level)


def test_worked_example_with_string_categories():
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    as_words = {r: [words.get(v, NAN) for v in vs] for r, vs in K2011.items()}
    assert round(krippendorff_alpha(long(as_words)).value, 3) == 0.743
    ordinal = krippendorff_alpha(long(as_words), "ordinal", categories=list(words.values()))
    assert round(ordinal.value, 3) == 0.815


def test_perfect_agreement_is_one_and_systematic_disagreement_is_below_zero():
    same = long({"a": ["yes", "no", "yes", "no"], "b": ["yes", "no", "yes", "no"]})
    opposite = long({"a": ["yes", "no", "yes", "no"], "b": ["no", "yes", "no", "yes"]})
    assert krippendorff_alpha(same).value == 1.0
    assert krippendorff_alpha(opposite).value < 0
    assert percent_agreement(same).value == 1.0
    assert percent_agreement(opposite).value == 0.0


def test_no_variation_is_undefined_with_reason():
    result = krippendorff_alpha(long({"a": ["yes"] * 5, "b": ["yes"] * 5}))
    assert result.value is None
    assert result.reason == "every rating is the same value, so expected disagreement is zero"
    assert not result.defined
    assert percent_agreement(long({"a": ["yes"] * 5, "b": ["yes"] * 5})).value == 1.0


def test_one_rater_per_unit_is_undefined():
    ratings = pd.DataFrame({"unit": [1, 2, 3], "rater": ["a", "b", "c"], "value": [1, 2, 3]})
    for result in (krippendorff_alpha(ratings, "interval"), percent_agreement(ratings)):
        assert result.value is None
        assert "two or more raters" in result.reason
        assert result.n_units == 0


def test_null_values_are_missing_not_a_category():
    with_nulls = long({"a": [1, 2, 3, 1], "b": [1, 2, 3, 2]})
    with_nulls.loc[len(with_nulls)] = [0, "c", None]
    with_nulls.loc[len(with_nulls)] = [1, "c", NAN]
    assert krippendorff_alpha(with_nulls) == krippendorff_alpha(with_nulls.dropna())


def test_values_outside_the_nominal_categories_are_refused():
    ratings = long({"a": ["yes", "no"], "b": ["yes", "maybe"]})
    with pytest.raises(ValueError, match="not in categories: maybe"):
        krippendorff_alpha(ratings, categories=["yes", "no"])


def test_interval_needs_numbers_and_ordinal_strings_need_an_order():
    ratings = long({"a": ["low", "high"], "b": ["low", "low"]})
    with pytest.raises(ValueError, match="interval alpha needs numeric values"):
        krippendorff_alpha(ratings, "interval")
    with pytest.raises(ValueError, match="ordered `categories` list"):
        krippendorff_alpha(ratings, "ordinal")
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(ratings, "cardinal")


def test_na_handling_is_the_callers_choice():
    """N/A as its own category lowers agreement here; dropped, it is missing."""
    ratings = long({"a": ["yes", "na", "no", "yes"], "b": ["yes", "no", "no", "yes"]})
    as_category = krippendorff_alpha(ratings)
    as_missing = krippendorff_alpha(ratings[ratings["value"] != "na"])
    assert as_missing.value == 1.0
    assert as_category.value < 1.0
    assert (as_category.n_units, as_missing.n_units) == (4, 3)


def test_percent_agreement_by_hand():
    # Unit 0: 3 of 3 agree (3/3 pairs); unit 1: a,b agree, c differs (1/3 pairs);
    # unit 2: two raters differ (0/1); unit 3: a single rating, not counted.
    ratings = long({"a": ["y", "y", "y", "n"], "b": ["y", "y", "n", NAN], "c": ["y", "n"]})
    result = percent_agreement(ratings)
    assert result.value == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert (result.n_units, result.n_raters) == (3, 3)


def reference_alpha(wide: np.ndarray, level: str) -> float | None:
    """Independent alpha from pairable values (Krippendorff 2011, section C).

    wide: raters x units with NaN for missing. Every ordered pair of ratings on a
    unit with m_u >= 2 ratings adds 1/(m_u - 1) to the coincidence of its values.
    """
    values = sorted({v for v in wide.ravel() if not math.isnan(v)})
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in wide.T:
        present = [v for v in unit if not math.isnan(v)]
        m = len(present)
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[index[present[i]], index[present[j]]] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()

    def delta(c: float, k: float) -> float:
        return float(c != k) if level == "nominal" else (c - k) ** 2

    observed = sum(o[i, j] * delta(a, b) for a, i in index.items() for b, j in index.items())
    expected = sum(
        n_c[i] * n_c[j] * delta(a, b) for a, i in index.items() for b, j in index.items()
    )
    if n == 0 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


cells = st.one_of(st.none(), st.integers(min_value=1, max_value=4))


@budget(60)
@given(st.lists(st.lists(cells, min_size=5, max_size=5), min_size=2, max_size=12))
def test_alpha_matches_an_independent_pairable_values_computation(units):
    wide = np.array([[NAN if v is None else v for v in unit] for unit in units], dtype=float).T
    ratings = long({f"r{i}": list(row) for i, row in enumerate(wide)})
    for level in ("nominal", "interval"):
        expected = reference_alpha(wide, level)
        result = krippendorff_alpha(ratings, level)
        if expected is None:
            assert result.value is None
        else:
            assert result.value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_large_table_path_equals_the_library(monkeypatch, level):
    """Above MAX_LIBRARY_CELLS alpha takes a values x values path; same numbers."""
    rng = np.random.default_rng(7)
    wide = rng.integers(1, 8, size=(6, 200)).astype(float)
    wide[rng.random(wide.shape) < 0.3] = NAN
    ratings = long({f"r{i}": list(row) for i, row in enumerate(wide)})
    by_library = krippendorff_alpha(ratings, level)
    monkeypatch.setattr(agreement_module, "MAX_LIBRARY_CELLS", 0)
    assert krippendorff_alpha(ratings, level).value == pytest.approx(by_library.value, abs=1e-12)
    for level_value, published in zip(
        ("nominal", "ordinal", "interval", "ratio"), (0.743, 0.815, 0.849, 0.797), strict=True
    ):
        assert round(krippendorff_alpha(long(K2011), level_value).value, 3) == published


def test_many_distinct_values_do_not_exhaust_memory():
    """3,000 units x 1,000 distinct totals: the library's units x V x V array would
    need 24 GB; the count-table path needs a few MB."""
    rng = np.random.default_rng(1)
    truth = rng.uniform(0, 100, 3000).round(1)
    wide = np.vstack([truth + rng.normal(0, 3, 3000).round(1) for _ in range(3)])
    ratings = long({f"r{i}": list(row) for i, row in enumerate(wide)})
    assert krippendorff_alpha(ratings, "interval").value > 0.9
