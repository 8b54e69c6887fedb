"""Fleiss' and Cohen's kappa, read as a specification."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from calibration import cohen_kappa, fleiss_kappa

# Fleiss (1971) Table 1, as distributed with R irr (`diagnoses`): 30 patients,
# 6 psychiatrists each, categories 1-5 (depression ... other). Published kappa .430.
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip

# Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, counts per
# category 1-5. Published kappa 0.210.
WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def from_rows(rows) -> pd.DataFrame:
    """One row of values per unit -> long ratings (rater = position in the row)."""
    return pd.DataFrame(
        [(u, r, v) for u, row in enumerate(rows) for r, v in enumerate(row)],
        columns=["unit", "rater", "value"],
    )


def from_counts(counts) -> pd.DataFrame:
    """Units x categories counts -> long ratings with category numbers 1..V."""
    rows = [[c + 1 for c, n in enumerate(row) for _ in range(n)] for row in counts]
    return from_rows(rows)


def test_fleiss_1971_published_example():
    result = fleiss_kappa(from_rows(FLEISS_1971))
    assert round(result.value, 3) == 0.430
    assert (result.n_units, result.n_raters) == (30, 6)


def test_wikipedia_fleiss_example():
    assert round(fleiss_kappa(from_counts(WIKIPEDIA_COUNTS)).value, 3) == 0.210


def test_fleiss_perfect_agreement_and_total_disagreement():
    assert fleiss_kappa(from_rows([["y", "y", "y"], ["n", "n", "n"]])).value == 1.0
    # Every pair disagrees on every unit: below zero, agreement worse than chance.
    assert fleiss_kappa(from_rows([["y", "n"], ["n", "y"], ["y", "n"]])).value == -1.0


def test_fleiss_single_category_is_undefined():
    result = fleiss_kappa(from_rows([["y", "y", "y"], ["y", "y", "y"]]))
    assert result.value is None
    assert "same category" in result.reason


def test_fleiss_nan_does_not_become_a_category():
    """statsmodels' aggregate_raters counts NaN as a category of its own; we do not."""
    rows = [[*r, np.nan] for r in FLEISS_1971]
    naive = sm_fleiss_kappa(aggregate_raters(np.array(rows, dtype=float))[0])
    ours = fleiss_kappa(from_rows(rows))
    assert ours.value == pytest.approx(0.4302445, abs=1e-7)
    assert ours.n_raters == 6
    assert naive != pytest.approx(ours.value, abs=0.01)


def test_fleiss_unequal_rater_counts_are_undefined_unless_complete_only():
    ratings = from_rows([["y", "y", "n"], ["n", "n", "n"], ["y", "n"]])
    result = fleiss_kappa(ratings)
    assert result.value is None
    assert "different numbers of raters (2 to 3)" in result.reason
    complete = fleiss_kappa(ratings, complete_only=True)
    assert complete.n_units == 2
    assert complete.value == fleiss_kappa(ratings[ratings["unit"] != 2]).value


def test_fleiss_single_rating_per_unit_is_undefined():
    result = fleiss_kappa(from_rows([["y"], ["n"]]))
    assert result.value is None
    assert "single rating" in result.reason


def from_table(table, categories) -> pd.DataFrame:
    """Contingency table (rater a rows x rater b columns) -> long ratings."""
    rows = []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            rows += [[categories[i], categories[j]]] * n
    return from_rows(rows)


def test_cohen_sas_published_example():
    """SAS/STAT PROC FREQ agreement example (3 x 3 table), as reproduced in
    statsmodels' test suite: simple kappa 0.4842, weighted kappa with
    Cicchetti-Allison (= linear) weights 0.4701."""
    ratings = from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]], [1, 2, 3])
    assert round(cohen_kappa(ratings, 0, 1).value, 4) == 0.4842
    linear = cohen_kappa(ratings, 0, 1, weights="linear")
    assert round(linear.value, 4) == 0.4701
    assert (linear.n_units, linear.n_raters, linear.detail) == (19, 2, "linear weights")


ANXIETY_2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
ANXIETY_3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]


def test_cohen_irr_anxiety_example_and_the_full_category_trap():
    """R irr `anxiety` (1-6 scale), raters 2 and 3; kappa2() results published in
    the irr documentation and statsmodels' tests: unweighted -0.006289308,
    "equal" 0.1459075, "squared" 0.2520325. irr uses only the levels observed
    (1, 2, 3, 4, 6: nobody used 5), which is our default for numbers. On the
    full 1-6 scale the weighted values differ: the unused 5 widens the gap
    between 4 and 6."""
    ratings = from_rows(zip(ANXIETY_2, ANXIETY_3, strict=True))
    assert cohen_kappa(ratings, 0, 1).value == pytest.approx(-0.006289308, abs=1e-9)
    assert cohen_kappa(ratings, 0, 1, "linear").value == pytest.approx(0.1459075, abs=1e-7)
    assert cohen_kappa(ratings, 0, 1, "quadratic").value == pytest.approx(0.2520325, abs=1e-7)
    scale = [1, 2, 3, 4, 5, 6]
    full_linear = cohen_kappa(ratings, 0, 1, "linear", categories=scale)
    full_quadratic = cohen_kappa(ratings, 0, 1, "quadratic", categories=scale)
    assert round(full_linear.value, 4) == 0.1262
    assert round(full_quadratic.value, 4) == 0.2298
    # Unweighted kappa does not care about unused categories.
    assert cohen_kappa(ratings, 0, 1, categories=scale).value == pytest.approx(-0.006289308)


def test_unused_middle_category_changes_weighted_kappa():
    """A 1-4 scale where nobody answered 3: from the observed values alone, 2 and 4
    look one step apart instead of two. (With only two values used, linear
    weights would merely rescale and the trap would hide.)"""
    ratings = from_rows([[1, 1], [2, 2], [4, 4], [2, 4], [4, 2], [1, 2], [4, 4], [2, 1]])
    observed_only = cohen_kappa(ratings, 0, 1, "linear")
    full_scale = cohen_kappa(ratings, 0, 1, "linear", categories=[1, 2, 3, 4])
    assert round(observed_only.value, 4) != round(full_scale.value, 4)
    unweighted = cohen_kappa(ratings, 0, 1)
    full_unweighted = cohen_kappa(ratings, 0, 1, categories=[1, 2, 3, 4])
    assert unweighted.value == pytest.approx(full_unweighted.value)


def hand_weighted_kappa(table: np.ndarray, weights: str) -> float:
    """Cohen (1968): 1 - sum(w * observed) / sum(w * expected), w = |i-j| or (i-j)^2."""
    k = table.shape[0]
    i, j = np.indices((k, k))
    w = np.abs(i - j) if weights == "linear" else (i - j) ** 2
    p = table / table.sum()
    expected = np.outer(p.sum(axis=1), p.sum(axis=0))
    return 1 - (w * p).sum() / (w * expected).sum()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_weighted_kappa_agrees_with_hand_formula_and_statsmodels(seed, weights):
    """Independent cross-check on random 4 x 4 tables (a category may go unused):
    ours (scikit-learn), Cohen's 1968 formula by hand, statsmodels' cohens_kappa."""
    table = np.random.default_rng(seed).integers(0, 6, size=(4, 4)) + 3 * np.eye(4, dtype=int)
    ratings = from_table(table, ["poor", "fair", "good", "great"])
    ours = cohen_kappa(ratings, 0, 1, weights, categories=["poor", "fair", "good", "great"]).value
    assert ours == pytest.approx(hand_weighted_kappa(table, weights), abs=1e-12)
    assert ours == pytest.approx(cohens_kappa(table, wt=weights).kappa, abs=1e-12)


def test_cohen_perfect_agreement_and_total_disagreement():
    same = from_rows([["yes", "yes"], ["no", "no"], ["yes", "yes"], ["no", "no"]])
    opposite = from_rows([["yes", "no"], ["no", "yes"], ["yes", "no"], ["no", "yes"]])
    assert cohen_kappa(same, 0, 1).value == 1.0
    assert cohen_kappa(opposite, 0, 1).value == -1.0


def test_cohen_uses_only_units_both_rated():
    ratings = from_rows([["y", "y"], ["n", "n"], ["y", "n"]])
    ratings = ratings.drop(index=5)  # rater 1 did not rate unit 2
    assert cohen_kappa(ratings, 0, 1).n_units == 2
    assert cohen_kappa(ratings, 0, 1).value == 1.0


def test_cohen_undefined_cases():
    same_answer = cohen_kappa(from_rows([["y", "y"], ["y", "y"]]), 0, 1)
    assert same_answer.value is None
    assert "same single answer" in same_answer.reason
    apart = pd.DataFrame({"unit": [1, 2], "rater": ["a", "b"], "value": ["y", "n"]})
    no_overlap = cohen_kappa(apart, "a", "b")
    assert no_overlap.value is None
    assert no_overlap.reason == "raters 'a' and 'b' rated no unit in common"


def test_weighted_kappa_on_words_needs_an_ordered_scale():
    ratings = from_rows([["poor", "good"], ["good", "good"]])
    with pytest.raises(ValueError, match="ordered `categories` list"):
        cohen_kappa(ratings, 0, 1, "linear")
    with pytest.raises(ValueError, match="weights must be"):
        cohen_kappa(ratings, 0, 1, "cubic")
