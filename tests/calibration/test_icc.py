"""Intraclass correlation, read as a specification."""

import numpy as np
import pandas as pd
import pytest

from calibration import icc

# Shrout & Fleiss (1979) Table 2: 6 targets (rows) scored by 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def scores(matrix) -> pd.DataFrame:
    return pd.DataFrame(
        [(t, f"judge{j}", s) for t, row in enumerate(matrix) for j, s in enumerate(row)],
        columns=["target", "rater", "score"],
    )


@pytest.mark.parametrize(
    ("form", "published"),
    [
        ("ICC1", 0.17),
        ("ICC2", 0.29),
        ("ICC3", 0.71),
        ("ICC1k", 0.44),
        ("ICC2k", 0.62),
        ("ICC3k", 0.91),
    ],
)
def test_shrout_fleiss_1979_table_2(form, published):
    result = icc(scores(SHROUT_FLEISS), form)
    assert round(result.value, 2) == published
    assert (result.name, result.n_units, result.n_raters) == (form, 6, 4)
    assert result.detail


def test_default_form_is_icc2():
    assert icc(scores(SHROUT_FLEISS)).name == "ICC2"


@pytest.mark.parametrize("form", ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"])
def test_identical_raters_give_one(form):
    assert icc(scores([[60, 60], [75, 75], [90, 90]]), form).value == pytest.approx(1.0)


@pytest.mark.parametrize("form", ["ICC1", "ICC2", "ICC3"])
def test_opposed_raters_go_negative(form):
    assert icc(scores([[50, 90], [60, 80], [70, 75], [95, 40]]), form).value < 0


@pytest.mark.parametrize("form", ["ICC1k", "ICC2k", "ICC3k"])
def test_targets_with_equal_means_leave_average_forms_undefined(form):
    """Raters mirror each other, so every target averages 75: BMS is 0 and the
    k-rater forms divide by it."""
    result = icc(scores([[60, 90], [75, 75], [90, 60]]), form)
    assert result.value is None
    assert "between-target variance is too small" in result.reason


def test_a_harsh_rater_lowers_absolute_agreement_not_consistency():
    harsh = scores([[70, 60], [80, 70], [90, 80], [60, 50]])
    assert icc(harsh, "ICC3").value == pytest.approx(1.0)
    assert icc(harsh, "ICC2").value < 0.8


def test_incomplete_targets_are_left_out():
    complete = scores(SHROUT_FLEISS)
    with_gap = pd.concat(
        [complete, pd.DataFrame({"target": [6, 6], "rater": ["judge0", "judge1"], "score": [3, 4]})]
    )
    with_null = complete.copy()
    with_null.loc[0, "score"] = np.nan
    assert icc(with_gap).value == icc(complete).value
    assert icc(with_gap).n_units == 6
    assert icc(with_null).n_units == 5


def test_undefined_cases():
    constant = icc(scores([[80, 80], [80, 80]]))
    assert constant.value is None
    assert "every score is the same" in constant.reason
    one_rater = icc(scores([[80], [70]]))
    assert one_rater.value is None
    assert "fewer than two raters" in one_rater.reason
    one_target = icc(scores([[80, 70]]))
    assert one_target.value is None
    assert "fewer than two targets" in one_target.reason


def test_bad_form_and_bad_frame():
    with pytest.raises(ValueError, match="form must be one of"):
        icc(scores(SHROUT_FLEISS), "ICC(2,1)")
    with pytest.raises(ValueError, match="scores is missing column\\(s\\) 'score'"):
        icc(scores(SHROUT_FLEISS).rename(columns={"score": "total"}))
    with pytest.raises(ValueError, match="must hold numbers"):
        icc(pd.DataFrame({"target": [1], "rater": ["a"], "score": ["high"]}))
