"""What each report table's columns are called and how their values read.

One list per table, used by the page (its ``<thead>``, through the
``report_columns`` template global) and by the CSV and xlsx exports, so a
download carries the headings and the rounding a person saw on the page:
``display`` formats a cell with the page's own rules (``qa_app.display``'s
``rate`` and ``fixed``), and the xlsx writer stores the same rounded number with a
matching number format.

Kinds: ``text``; ``count`` (whole numbers); ``number``/``signed`` (``digits``
decimals, ``signed`` with its sign); ``pct`` (a 0..1 rate shown as a
percentage); ``id`` (a record's number); ``date``/``datetime``; ``flag`` (yes / no).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qa_app.display import fixed, rate

NUMERIC = ("count", "number", "signed", "pct")


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = "text"
    digits: int = 1

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def number_format(self) -> str | None:
        """The xlsx number format showing the value as the page does."""
        places = "0." + "0" * self.digits if self.digits else "0"
        return {
            "id": "0",
            "count": "0",
            "number": places,
            "signed": f"+{places};-{places};{places}",
            "pct": places + "%",
            "date": "yyyy-mm-dd",
            "datetime": "yyyy-mm-dd hh:mm",
        }.get(self.kind)


def _c(key: str, heading: str, kind: str = "text", digits: int = 1) -> Column:
    return Column(key, heading, kind, digits)


def _trend(grain: str) -> list[Column]:
    return [
        _c("period", f"{grain} of", "date"),
        _c("n", "Evaluations", "count"),
        _c("undefined", "Undefined", "count"),
        _c("mean", "Mean score", "number"),
    ]


TABLES: dict[str, list[Column]] = {
    "weekly": _trend("Week"),
    "monthly": _trend("Month"),
    "teams": [
        _c("name", "Team"),
        _c("n", "Evaluations", "count"),
        _c("mean", "Mean score", "number"),
        _c("auto_fail_rate", "Auto-fail", "pct"),
        _c("below_share", "Below threshold", "pct"),
    ],
    "agents": [
        _c("rank", "#", "count"),
        _c("name", "Agent"),
        _c("n", "Evaluations", "count"),
        _c("mean", "Mean score", "number"),
        _c("slope", "Trend / week", "signed", 2),
        _c("change", "Change", "signed"),
        _c("below_share", "Below threshold", "pct"),
    ],
    "families": [
        _c("family", "Critical-error family"),
        _c("evaluations", "Evaluations", "count"),
        _c("accuracy", "Accuracy", "pct"),
    ],
    "distribution": [
        _c("scores", "Score"),
        _c("n", "Evaluations", "count"),
        _c("share", "Share", "pct"),
    ],
    "questions": [
        _c("question", "Question"),
        _c("question_key", "Key"),
        _c("answered", "Answered", "count"),
        _c("failed", "Failed", "count"),
        _c("failure_rate", "Failure rate", "pct"),
        _c("cumulative", "Cumulative", "pct"),
    ],
    "reviewers": [
        _c("reviewer", "Reviewer"),
        _c("evaluations", "Evaluations", "count"),
        _c("per_day", "Per day", "number"),
        _c("median_minutes", "Median minutes", "number"),
        _c("mean_score", "Mean score", "number"),
        _c("leniency", "Leniency", "signed"),
        _c("dispute_rate", "Dispute rate", "pct"),
        _c("overturn_rate", "Overturn rate", "pct"),
        _c("calibration_deviation", "Calibration deviation", "number"),
    ],
    "coverage": [
        _c("agent", "Agent"),
        _c("interactions", "Interactions", "count"),
        _c("reviewed", "Reviewed", "count"),
        _c("coverage", "Coverage", "pct"),
        _c("target", "Target", "number"),
        _c("met", "Met", "flag"),
    ],
    "backlog": [_c("due", "Due"), _c("open", "Open", "count")],
    "flags": [
        _c("target", "Target"),
        _c("flags", "Flags", "count"),
        _c("reviewed", "Reviewed", "count"),
        _c("confirmed", "Confirmed", "count"),
        _c("precision", "Precision", "pct"),
    ],
    "coaching": [
        _c("held_on", "Held on", "date"),
        _c("agent", "Agent"),
        _c("focus", "Focus"),
        _c("before_n", "Before (n)", "count"),
        _c("before_pass", "Before", "pct"),
        _c("after_n", "After (n)", "count"),
        _c("after_pass", "After", "pct"),
    ],
    "evaluations": [
        _c("evaluation_id", "Evaluation", "id"),
        _c("submitted", "Submitted", "datetime"),
        _c("agent", "Agent"),
        _c("reviewer", "Reviewer"),
        _c("team", "Team"),
        _c("channel", "Channel"),
        _c("scorecard", "Scorecard"),
        _c("total", "Score", "number"),
        _c("auto_failed", "Auto-fail", "flag"),
    ],
}


def missing(value: Any) -> bool:
    """None, NaN and pandas' NA/NaT: an undefined cell."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT; pd.NA raises
    except TypeError:
        return True


def typed(value: Any, column: Column) -> Any:
    """The cell's value as the page rounds it, as a Python number, date or
    string (None when undefined): what the xlsx cell stores."""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if missing(value):
        return None
    kind = column.kind
    if kind in ("count", "id"):
        return int(value)
    if kind in ("number", "signed"):
        return round(float(value), column.digits)
    if kind == "pct":
        return round(float(value), column.digits + 2)
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if kind == "datetime":
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        return value.replace(tzinfo=None, second=0, microsecond=0)  # stored in UTC
    if kind == "flag":
        return "yes" if value else "no"
    return str(value)


def display(value: Any, column: Column) -> str:
    """The cell as the page prints it (and the CSV writes it); "n/a" when undefined."""
    kind = column.kind
    if kind == "pct":
        return rate(value, column.digits)
    if kind in ("number", "signed"):
        return fixed(value, column.digits, kind == "signed")
    value = typed(value, column)
    if value is None:
        return "" if kind in ("text", "flag") else "n/a"
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def column(table: str, key: str) -> Column:
    """One column of a table's spec (for a template cell)."""
    return next(c for c in TABLES[table] if c.key == key)


def cell(value: Any, table: str, key: str) -> str:
    """The ``report_cell`` filter: a value as its table's page prints it."""
    return display(value, column(table, key))
