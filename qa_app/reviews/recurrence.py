"""When a review cycle's periods begin and end. Pure (no Flask, no database).

A recurring sampling rule cuts time into periods at a local time of day in a
time zone: every day (``daily``), every Monday (``weekly``), every other Monday
(``biweekly``, counted from Monday 5 January 1970, so the weeks are the same
for every rule and every server) or the first of each month (``monthly``). A
cycle runs when its period ends and samples the contacts that started within
it. Boundaries are local wall-clock times, so a weekly period that spans a
daylight-saving change lasts 167 or 169 hours, and the cycle still runs at
06:00 on Monday for the people who work there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FREQUENCIES = ("daily", "weekly", "biweekly", "monthly")
LABELS = {
    "daily": "Every day",
    "weekly": "Every week (Monday)",
    "biweekly": "Every other week (Monday)",
    "monthly": "Every month (the 1st)",
}
_EPOCH_MONDAY = date(1970, 1, 5)


@dataclass(frozen=True)
class Recurrence:
    frequency: str
    at: time
    time_zone: str

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        zone(self.time_zone)  # refuse an unknown zone here, not at the first run


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in UTC: the contacts a cycle samples, and its run time (``end``)."""

    start: datetime
    end: datetime

    def __contains__(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Paris``); ValueError with a readable reason."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {name!r}; use a name such as Europe/Paris.") from exc


def zone_names() -> list[str]:
    return sorted(available_timezones())


def _first_day(frequency: str, day: date) -> date:
    """The first local day of the period holding ``day`` (ignoring the time of day)."""
    if frequency == "daily":
        return day
    if frequency == "monthly":
        return day.replace(day=1)
    monday = day - timedelta(days=day.weekday())
    if frequency == "biweekly" and ((monday - _EPOCH_MONDAY).days // 7) % 2:
        monday -= timedelta(days=7)
    return monday


def _step(frequency: str, day: date, steps: int) -> date:
    """The first day of the period ``steps`` periods after the one starting on ``day``."""
    if frequency == "monthly":
        months = day.year * 12 + day.month - 1 + steps
        return date(months // 12, months % 12 + 1, 1)
    days = {"daily": 1, "weekly": 7, "biweekly": 14}[frequency]
    return day + timedelta(days=days * steps)


def _boundary(rec: Recurrence, day: date) -> datetime:
    """``day`` at the rule's local time, in UTC. A time skipped by a clock
    change (02:30 on a spring-forward night) falls an hour later, as zoneinfo
    reads it; a repeated one (autumn) is its first occurrence."""
    return datetime.combine(day, rec.at, tzinfo=zone(rec.time_zone)).astimezone(UTC)


def period_containing(rec: Recurrence, instant: datetime) -> Period:
    """The period ``instant`` (timezone-aware) falls in."""
    local_day = instant.astimezone(zone(rec.time_zone)).date()
    first = _first_day(rec.frequency, local_day)
    if _boundary(rec, first) > instant:  # before today's (this week's...) start time
        first = _step(rec.frequency, first, -1)
    return Period(_boundary(rec, first), _boundary(rec, _step(rec.frequency, first, 1)))


def last_complete(rec: Recurrence, now: datetime) -> Period:
    """The latest period that has ended by ``now``: the one a cycle run at
    ``now`` samples. Older periods a stopped worker missed are not returned, so
    a late run catches up once, not once per missed period."""
    current = period_containing(rec, now)
    return period_containing(rec, current.start - timedelta(microseconds=1))


def next_run(rec: Recurrence, now: datetime) -> datetime:
    """When the next cycle runs: the end of the period ``now`` is in."""
    return period_containing(rec, now).end
