"""How the review prints a figure of each unit (the ``staff_value`` filter)."""

from __future__ import annotations

from typing import Any

from qa_app.display import duration, fixed, rate
from qa_app.staff.definitions import METRICS


def shown(value: Any, metric: str, change: bool = False) -> str:
    """A figure (or, with ``change``, a difference) as the page prints it:
    rates in per cent (differences in percentage points), handle time in
    minutes and seconds, CSAT with two decimals, QA with one."""
    if value is None or value != value:
        return "n/a"
    unit = METRICS[metric].unit
    sign = "+" if change and value > 0 else ""
    if unit == "rate":
        return f"{sign}{fixed(100 * value, 1)} pp" if change else rate(value, 1)
    if unit == "seconds":
        return f"{sign}{fixed(value, 0)} s" if change else duration(value)
    if unit == "csat":
        return sign + fixed(value, 2)
    if unit == "points":
        return sign + fixed(value, 1)
    return sign + fixed(value, 0)
