"""QA measures on hand-built sessions with known answers."""

import numpy as np
import pandas as pd
import pytest

from calibration import (
    benchmark_agreement,
    deviations,
    outliers,
    per_unit_agreement,
    score_deviation,
    spread,
)


def totals(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["interaction", "rater", "total"])


# Three interactions; "key" is the benchmark. ann is on the key, bob 10 points
# harsh everywhere, cat +4/-6/+2 around it, dan skipped interaction c.
SESSION = totals(
    [
        ("a", "key", 80), ("a", "ann", 80), ("a", "bob", 70), ("a", "cat", 84), ("a", "dan", 81),
        ("b", "key", 60), ("b", "ann", 61), ("b", "bob", 50), ("b", "cat", 54), ("b", "dan", 59),
        ("c", "key", 90), ("c", "ann", 89), ("c", "bob", 80), ("c", "cat", 92), ("c", "dan", None),
    ]
)  # fmt: skip


def test_deviation_from_benchmark():
    dev = score_deviation(SESSION, benchmark_rater="key")
    assert list(dev.index) == ["ann", "bob", "cat", "dan"]
    assert dev.loc["bob"].to_dict() == {
        "mean": -10.0,
        "mean_abs": 10.0,
        "max_abs": 10.0,
        "n": 2 + 1,
    }
    assert dev.loc["cat", "mean"] == pytest.approx(0.0)
    assert dev.loc["cat", "mean_abs"] == pytest.approx(4.0)
    assert dev.loc["cat", "max_abs"] == 6.0
    assert dev.loc["dan", "n"] == 2  # the null total on c is dropped


def test_outliers_beyond_five_points():
    flagged = outliers(SESSION, benchmark_rater="key")
    assert list(flagged.index) == ["bob"]
    assert list(outliers(SESSION, threshold=3.0, benchmark_rater="key").index) == ["bob", "cat"]


def test_deviation_without_benchmark_uses_median_of_the_others():
    frame = totals([("a", "x", 70), ("a", "y", 80), ("a", "z", 90), ("b", "x", 50), ("b", "y", 60)])
    dev = deviations(frame)
    by_rater = dev.set_index(["interaction", "rater"])["reference"]
    assert by_rater[("a", "x")] == 85.0  # median of 80 and 90, not including 70
    assert by_rater[("a", "y")] == 80.0
    assert by_rater[("b", "x")] == 60.0
    summary = score_deviation(frame)
    assert summary.loc["x", "mean"] == pytest.approx((-15 - 10) / 2)
    assert summary.loc["z", "n"] == 1


def test_a_lone_rater_has_no_reference():
    dev = score_deviation(totals([("a", "x", 70)]))
    assert dev.loc["x", "n"] == 0
    assert np.isnan(dev.loc["x", "mean_abs"])
    assert outliers(totals([("a", "x", 70)])).empty


def test_spread_per_interaction():
    out = spread(SESSION)
    assert out.loc["a"].to_dict() == pytest.approx(
        {"std": np.std([80, 80, 70, 84, 81], ddof=1), "range": 14, "min": 70, "max": 84, "n": 5}
    )
    assert out.loc["c", "n"] == 4
    single = spread(totals([("z", "x", 70)]))
    assert np.isnan(single.loc["z", "std"])
    assert single.loc["z", "range"] == 0


def test_benchmark_agreement():
    ratings = pd.DataFrame(
        [
            ("q1", "key", "yes"), ("q2", "key", "no"), ("q3", "key", "na"),
            ("q1", "ann", "yes"), ("q2", "ann", "no"), ("q3", "ann", "na"),
            ("q1", "bob", "no"), ("q2", "bob", "no"),
            ("q9", "cat", "yes"),
        ],
        columns=["unit", "rater", "value"],
    )  # fmt: skip
    out = benchmark_agreement(ratings, "key")
    assert out.loc["ann"].to_dict() == {"matches": 3, "units": 3, "match_rate": 1.0}
    assert out.loc["bob"].to_dict() == {"matches": 1, "units": 2, "match_rate": 0.5}
    assert out.loc["cat", "units"] == 0
    assert np.isnan(out.loc["cat", "match_rate"])
    with pytest.raises(ValueError, match="benchmark rater 'nobody' has no rows"):
        benchmark_agreement(ratings, "nobody")


def test_per_unit_agreement_for_the_reveal_grid():
    ratings = pd.DataFrame(
        [
            ("q1", "a", "yes"), ("q1", "b", "yes"), ("q1", "c", "yes"),
            ("q2", "a", "yes"), ("q2", "b", "no"), ("q2", "c", "no"),
            ("q3", "a", "yes"), ("q3", "b", "no"),
            ("q4", "a", "no"),
        ],
        columns=["unit", "rater", "value"],
    )  # fmt: skip
    out = per_unit_agreement(ratings)
    assert out.loc["q1", "agreement"] == 1.0
    assert out.loc["q2", "agreement"] == pytest.approx(1 / 3)
    assert out.loc["q2", "modal"] == "no"
    assert out.loc["q2", "modal_share"] == pytest.approx(2 / 3)
    assert out.loc["q3", "agreement"] == 0.0
    assert bool(out.loc["q3", "tied"]) and not bool(out.loc["q2", "tied"])
    assert np.isnan(out.loc["q4", "agreement"])
    assert out.loc["q4", "n"] == 1


def test_per_unit_modal_keeps_the_value_as_given():
    ratings = pd.DataFrame({"unit": [1, 1, 1], "rater": ["a", "b", "c"], "value": [4, 4, 5]})
    modal = per_unit_agreement(ratings).loc[1, "modal"]
    assert modal == 4
    assert isinstance(modal, int)
