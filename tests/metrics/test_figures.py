"""Rates and means with their intervals; small counts are never ranked."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from metrics import mean, rank_within, share, top_box


def test_a_rate_has_wilsons_interval() -> None:
    """Wilson's interval for 8 of 10 (Newcombe 1998, Table I: 0.4902 to 0.9433)."""
    figure = share(pd.Series([True] * 8 + [False] * 2))
    assert figure.value == pytest.approx(0.8)
    assert (figure.low, figure.high) == (pytest.approx(0.4902, abs=1e-4),
                                         pytest.approx(0.9433, abs=1e-4))  # fmt: skip
    assert figure.n == 10 and figure.enough


def test_unknown_values_are_left_out_of_a_rate() -> None:
    figure = share(pd.Series([True, pd.NA, False], dtype="boolean"))
    assert (figure.value, figure.n) == (0.5, 2)


def test_a_mean_has_students_interval() -> None:
    values = pd.Series([3, 4, 5, 5, 4, 2, 5, 4, 4, 3, 5, 1])
    figure = mean(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert (figure.low, figure.high) == (pytest.approx(low), pytest.approx(high))


def test_top_two_box_counts_four_and_five_of_five() -> None:
    figure = top_box(pd.Series([5, 4, 3, 2, 1, 5, None]))
    assert (figure.value, figure.n) == (pytest.approx(3 / 6), 6)
    assert not figure.enough  # 6 < 10 responses: shown greyed, never ranked
    with pytest.raises(ValueError, match="outside the scale"):
        top_box(pd.Series([6]))
    assert top_box(pd.Series([10, 9, 8]), scale=(0, 10), boxes=2).value == pytest.approx(2 / 3)


def test_an_interval_excluding_the_teams_figure_marks_an_outlier() -> None:
    figure = share(pd.Series([True] * 40 + [False] * 60))  # 0.40, 0.31-0.50
    assert figure.excludes(0.6) and figure.excludes(0.2)
    assert not figure.excludes(0.45) and not figure.excludes(None)


def test_figures_from_too_few_responses_get_no_rank() -> None:
    values = pd.Series([4.5, 3.0, 4.9, 2.0])
    enough = pd.Series([True, True, False, True])
    assert rank_within(values, enough, higher_is_better=True).tolist() == [1, 2, pd.NA, 3]
    assert rank_within(values, enough, higher_is_better=False).tolist() == [3, 2, pd.NA, 1]
