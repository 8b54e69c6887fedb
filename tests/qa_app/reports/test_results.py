"""Grouped periods come back from PostgreSQL as timestamps and from SQLite as
text; ``as_text`` gives both the same 'YYYY-MM-DD' form."""

from datetime import UTC, datetime

import pandas as pd

from qa_app.reports.results import as_text


def test_timestamp_columns_become_days_and_missing_stays_missing():
    out = pd.DataFrame(
        {
            "week": pd.to_datetime(["2026-11-02 00:00", None, "2026-11-09 00:00"]),
            "month": pd.to_datetime(["2026-11-01", "2026-10-01", "2026-11-01"]).tz_localize(UTC),
            "n": [1, 2, 3],
        }
    )
    as_text(out, "week", "month")
    assert list(out["week"].fillna("-")) == ["2026-11-02", "-", "2026-11-09"]
    assert list(out["month"]) == ["2026-11-01", "2026-10-01", "2026-11-01"]
    assert list(out["n"]) == [1, 2, 3]


def test_python_datetimes_and_text_are_handled_too():
    out = pd.DataFrame(
        {
            "week": pd.Series([datetime(2026, 11, 2, tzinfo=UTC), None], dtype=object),
            "month": ["2026-11-01", "2026-10-01"],
        }
    )
    as_text(out, "week", "month", "absent")
    assert list(out["week"].fillna("-")) == ["2026-11-02", "-"]
    assert list(out["month"]) == ["2026-11-01", "2026-10-01"]


def test_an_empty_result_is_left_alone():
    out = pd.DataFrame({"week": pd.Series([], dtype="datetime64[ns]")})
    assert as_text(out, "week").empty
