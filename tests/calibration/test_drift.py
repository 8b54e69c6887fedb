"""Drift across sessions: a reviewer moving away from the key stands out."""

import numpy as np
import pandas as pd
import pytest

from calibration import drift

SESSIONS = pd.DataFrame(
    [
        # session, held_at, rater, mean_abs_deviation, agreement
        ("s2", "2025-02-01", "ann", 3.0, 0.90),
        ("s1", "2025-01-01", "ann", 3.0, 0.90),
        ("s3", "2025-03-01", "ann", 3.0, 0.90),
        ("s4", "2025-04-01", "ann", 3.0, 0.90),
        ("s1", "2025-01-01", "bob", 2.0, 0.95),
        ("s2", "2025-02-01", "bob", 4.0, 0.90),
        ("s3", "2025-03-01", "bob", 6.0, 0.85),
        ("s4", "2025-04-01", "bob", 8.0, 0.80),
        ("s1", "2025-01-01", "cat", 1.0, 0.97),
        ("s4", "2025-04-01", "cat", 4.0, np.nan),
        ("s3", "2025-03-01", "dan", 5.0, 0.70),
    ],
    columns=["session", "held_at", "rater", "mean_abs_deviation", "agreement"],
)


def test_drifting_reviewer_stands_out():
    result = drift(SESSIONS)
    trend = result.trend
    assert list(trend.index) == ["bob", "cat", "ann", "dan"]
    assert trend.loc["bob", "deviation_slope"] == pytest.approx(2.0)
    assert trend.loc["bob", "agreement_slope"] == pytest.approx(-0.05)
    assert bool(trend.loc["bob", "drifting"])
    # cat skipped two sessions: 3 points over 3 sessions held is 1 per session.
    assert trend.loc["cat", "deviation_slope"] == pytest.approx(1.0)
    assert not bool(trend.loc["cat", "drifting"])
    assert np.isnan(trend.loc["cat", "agreement_slope"])  # one agreement value
    assert trend.loc["ann", "deviation_slope"] == 0.0
    assert np.isnan(trend.loc["dan", "deviation_slope"])
    assert trend.loc["bob", ["first_deviation", "last_deviation"]].tolist() == [2.0, 8.0]


def test_series_is_sorted_by_time_per_rater():
    series = drift(SESSIONS).series
    ann = series[series["rater"] == "ann"]
    assert ann["session"].tolist() == ["s1", "s2", "s3", "s4"]
    assert ann["session_number"].tolist() == [0, 1, 2, 3]
    assert series.loc[series["rater"] == "cat", "session_number"].tolist() == [0, 3]


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="sessions is missing column\\(s\\) 'agreement'"):
        drift(SESSIONS.drop(columns="agreement"))
