"""Bad input frames fail loudly with a message naming the problem."""

import pandas as pd
import pytest

from calibration import (
    benchmark_agreement,
    cohen_kappa,
    fleiss_kappa,
    interpret_alpha,
    krippendorff_alpha,
    per_unit_agreement,
    percent_agreement,
    score_deviation,
    spread,
)

RATING_FUNCTIONS = [percent_agreement, krippendorff_alpha, fleiss_kappa, per_unit_agreement]


@pytest.mark.parametrize("function", RATING_FUNCTIONS)
def test_missing_columns_are_listed(function):
    frame = pd.DataFrame({"unit": [1], "answer": ["yes"]})
    with pytest.raises(
        ValueError,
        match="ratings is missing column\\(s\\) 'rater', 'value'; expected 'unit', 'rater', "
        "'value', got 'unit', 'answer'",
    ):
        function(frame)


def test_not_a_dataframe():
    with pytest.raises(ValueError, match="ratings must be a pandas DataFrame, got list"):
        krippendorff_alpha([("u", "r", 1)])


def test_duplicate_ratings_are_refused():
    frame = pd.DataFrame({"unit": [1, 1, 2], "rater": ["a", "a", "a"], "value": [1, 2, 1]})
    with pytest.raises(ValueError, match="more than one row for the same unit and rater"):
        percent_agreement(frame)
    with pytest.raises(ValueError, match="more than one row"):
        cohen_kappa(frame, "a", "b")


def test_totals_frames_are_checked():
    with pytest.raises(ValueError, match="totals is missing column\\(s\\) 'total'"):
        spread(pd.DataFrame({"interaction": [1], "rater": ["a"], "score": [1]}))
    with pytest.raises(ValueError, match="benchmark rater 'key' has no rows in totals"):
        score_deviation(pd.DataFrame({"interaction": [1], "rater": ["a"], "total": [1]}), "key")
    with pytest.raises(ValueError, match="benchmark rater"):
        benchmark_agreement(pd.DataFrame({"unit": [], "rater": [], "value": []}), "key")


def test_empty_ratings_are_undefined_not_an_error():
    empty = pd.DataFrame({"unit": [], "rater": [], "value": []})
    assert krippendorff_alpha(empty).value is None
    assert percent_agreement(empty).value is None
    assert fleiss_kappa(empty).value is None
    assert per_unit_agreement(empty).empty


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        (0.95, "reliable"),
        (0.8, "reliable"),
        (0.79, "tentative"),
        (0.667, "tentative"),
        (0.5, "unreliable"),
        (-0.2, "unreliable"),
        (None, "undefined"),
        (float("nan"), "undefined"),
    ],
)
def test_interpret_alpha(value, reading):
    assert interpret_alpha(value) == reading
