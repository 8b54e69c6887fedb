"""Review periods: a month (``2026-10``) or a quarter (``2026-Q3``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


class PeriodError(ValueError):
    """The period is not a month (2026-10) or a quarter (2026-Q3)."""


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # first day after
    months: int  # 1 or 3

    @property
    def label(self) -> str:
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def start_at(self) -> datetime:
        return datetime(self.start.year, self.start.month, 1, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        return datetime(self.end.year, self.end.month, 1, tzinfo=UTC)

    def previous(self) -> Period:
        return Period(_add_months(self.start, -self.months), self.start, self.months)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse(text: str) -> Period:
    """``2026-10`` -> October 2026, ``2026-Q3`` -> July to September 2026."""
    value = (text or "").strip()
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 1900 < year < 9999:
            start = date(year, month, 1)
            return Period(start, _add_months(start, 1), 1)
    elif match := _QUARTER.match(value):
        year, quarter = int(match[1]), int(match[2])
        if 1900 < year < 9999:
            start = date(year, 3 * quarter - 2, 1)
            return Period(start, _add_months(start, 3), 3)
    raise PeriodError(
        f"{value[:20]!r} is not a period; give a month like 2026-10 or a quarter like 2026-Q3."
    )


def last_complete_month(today: date) -> Period:
    start = _add_months(date(today.year, today.month, 1), -1)
    return Period(start, _add_months(start, 1), 1)
