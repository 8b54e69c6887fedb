"""A review cycle's periods: local wall-clock boundaries in the rule's time
zone, whatever the daylight-saving rules, and only the latest ended period due."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from qa_app.reviews.recurrence import (
    Period,
    Recurrence,
    last_complete,
    next_run,
    period_containing,
)

PARIS = ZoneInfo("Europe/Paris")


def _paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_a_daily_cycle_runs_at_its_local_time():
    rec = Recurrence("daily", time(6, 0), "Europe/Paris")
    # 05:59 in Paris (winter, UTC+1) is still in the period that began yesterday 06:00.
    period = period_containing(rec, _paris(2026, 1, 15, 5, 59))
    assert period == Period(_paris(2026, 1, 14, 6, 0), _paris(2026, 1, 15, 6, 0))
    assert period.start == datetime(2026, 1, 14, 5, 0, tzinfo=UTC)
    assert next_run(rec, _paris(2026, 1, 15, 6, 0)) == _paris(2026, 1, 16, 6, 0)


def test_a_weekly_period_over_the_spring_change_lasts_167_hours():
    rec = Recurrence("weekly", time(6, 0), "Europe/Paris")
    # Clocks go forward on Sunday 29 March 2026.
    period = period_containing(rec, _paris(2026, 3, 27, 12, 0))
    assert period.start == _paris(2026, 3, 23, 6, 0)  # a Monday
    assert period.end == _paris(2026, 3, 30, 6, 0)
    assert period.end - period.start == timedelta(hours=167)
    # The run stays at 06:00 local, so it moves an hour earlier in UTC.
    assert period.start.astimezone(UTC).hour == 5 and period.end.astimezone(UTC).hour == 4


def test_a_weekly_period_over_the_autumn_change_lasts_169_hours():
    rec = Recurrence("weekly", time(6, 0), "Europe/Paris")
    period = period_containing(rec, _paris(2026, 10, 22, 0, 0))  # Sunday 25 October: back an hour
    assert period.end - period.start == timedelta(hours=169)


def test_a_time_skipped_by_the_clock_change_runs_an_hour_later():
    rec = Recurrence("daily", time(2, 30), "Europe/Paris")
    period = period_containing(rec, datetime(2026, 3, 29, 12, 0, tzinfo=UTC))
    assert period.start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time


def test_biweekly_periods_fall_on_the_same_weeks_for_everyone():
    rec = Recurrence("biweekly", time(0, 0), "UTC")
    first = period_containing(rec, datetime(2026, 1, 7, tzinfo=UTC))
    assert first.start.weekday() == 0 and first.end - first.start == timedelta(days=14)
    # Every instant of the fortnight maps to the same period; the next one follows on.
    for day in range(14):
        assert period_containing(rec, first.start + timedelta(days=day, hours=5)) == first
    assert period_containing(rec, first.end).start == first.end


def test_monthly_periods_follow_the_calendar():
    rec = Recurrence("monthly", time(9, 0), "America/New_York")
    period = period_containing(rec, datetime(2026, 2, 14, tzinfo=UTC))
    ny = ZoneInfo("America/New_York")
    assert period == Period(
        datetime(2026, 2, 1, 9, 0, tzinfo=ny), datetime(2026, 3, 1, 9, 0, tzinfo=ny)
    )
    december = period_containing(rec, datetime(2026, 12, 20, tzinfo=UTC))
    assert december.end == datetime(2027, 1, 1, 9, 0, tzinfo=ny)


def test_only_the_latest_ended_period_is_due_however_late_the_run():
    rec = Recurrence("weekly", time(6, 0), "UTC")
    on_time = last_complete(rec, datetime(2026, 3, 2, 6, 1, tzinfo=UTC))
    assert on_time == Period(
        datetime(2026, 2, 23, 6, tzinfo=UTC), datetime(2026, 3, 2, 6, tzinfo=UTC)
    )
    three_weeks_late = last_complete(rec, datetime(2026, 3, 23, 7, 0, tzinfo=UTC))
    assert three_weeks_late.end == datetime(2026, 3, 23, 6, tzinfo=UTC)


@pytest.mark.parametrize(("frequency", "zone"), [("daily", "Mars/Olympus"), ("hourly", "UTC")])
def test_unknown_frequencies_and_zones_are_refused_with_the_reason(frequency, zone):
    with pytest.raises(ValueError, match=r"Unknown time zone|unknown frequency"):
        Recurrence(frequency, time(6, 0), zone)
