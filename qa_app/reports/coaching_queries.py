"""The Coaching tab's figures in one statement (PostgreSQL).

The tab shows the sessions held in the period (with each agent's name), the
pass rates on each session's focus questions before and after it, and the
overdue action items. Run apart these were four round trips, and the
before/after sums read the sessions a second time after Python had worked
out the window of days from the first read. Here one statement reads the
sessions once (a CTE), takes the window from them, sums each session's
focus keys from the daily roll-up in a lateral subquery (one index range per
key, as ``activity.focus_sides``), and carries the overdue count along.

SQLite has no LATERAL: the plain queries of ``activity`` run there (``read``
returns None), with the same figures (``tests/qa_app/reports/test_page_paths.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.reports.activity import (
    AGENT_DAYS,
    COACHING,
    USERS,
    _coaching_scope,
    _held_in,
    overdue_items_query,
)
from qa_app.reports.queries import Filters, analytic, dialect

SESSIONS = ["id", "agent_id", "held_on", "focus_questions"]
SIDES = ["session_id", "before_n", "before_passed", "after_n", "after_passed"]
# The focus keys in list order, joined by ", " (ARRAY(subquery) has no SQLAlchemy form).
FOCUS_TEXT = sa.literal_column(
    "array_to_string(ARRAY(SELECT f.value FROM jsonb_array_elements_text("
    "coaching_sessions.focus_questions) WITH ORDINALITY AS f(value, n) ORDER BY f.n), ', ')"
).label("focus_text")


@dataclass(frozen=True)
class Coaching:
    """Per session held (by day): its columns, and the sums as ``figures.coaching_table``
    takes them; the agents' names; the overdue count (None: no session, not read)."""

    ids: list[int]
    agent_ids: list[int]
    held: list[date]
    focus: list[str]  # each session's keys, joined by ", "
    sums: dict[int, tuple]
    labels: dict[int, str]
    overdue: int | None


def read(filters: Filters, window_days: int, today: date) -> Coaching | None:
    """The tab's data, or None on a database without LATERAL."""
    if dialect() != "postgresql":
        return None
    analytic()
    rows = db.session.execute(query(filters, window_days, today)).all()
    # A row: id, agent_id, held_on, focus_questions, the four sums, name, overdue.
    return Coaching(
        ids=[r[0] for r in rows],
        agent_ids=[r[1] for r in rows],
        held=[r[2] for r in rows],
        focus=[r[3] for r in rows],
        sums={r[0]: tuple(r[4:8]) for r in rows},
        labels={r[1]: r[8] for r in rows},
        overdue=int(rows[0][9]) if rows else None,
    )


@lru_cache(maxsize=64)
def query(filters: Filters, window_days: int, today: date) -> sa.Select:
    """One row per session held in the period, by day: its columns, its before
    and after sums, the agent's name and the overdue count.

    Kept per (filters, window, day): building the statement cost more than
    shaping its rows, and a user moves between tabs with the same filters. The
    focus list comes as its text, keys joined by ", " (what the table shows):
    parsing hundreds of small JSON lists cost more than joining them in SQL."""
    source, conds = _coaching_scope(filters)
    sessions = (
        sa.select(*(COACHING.c[c] for c in SESSIONS), FOCUS_TEXT, USERS.c.name.label("agent_name"))
        .select_from(source)
        .where(*conds, *_held_in(filters))
        .cte("held")
    )
    bounds = sa.select(
        (sa.func.min(sessions.c.held_on) - window_days).label("lo"),
        (sa.func.max(sessions.c.held_on) + (window_days + 1)).label("hi"),
    ).cte("bounds")
    sides = _sides(sessions, bounds)
    overdue = overdue_items_query(filters, today).scalar_subquery().correlate(None)
    return (
        sa.select(
            *(sessions.c[c] for c in SESSIONS[:3]),
            sessions.c.focus_text,
            *(sides.c[c] for c in SIDES[1:]),
            sessions.c.agent_name,
            overdue.label("overdue"),
        )
        .select_from(sessions.join(bounds, sa.true()).outerjoin(sides, sa.true()))
        .order_by(sessions.c.held_on, sessions.c.id)
    )


def _sides(sessions: Any, bounds: Any) -> Any:
    """Per session (lateral): answered and passed answers of its focus keys,
    submitted before and after its day, days in [lo, hi)."""
    focus = sa.func.jsonb_array_elements_text(sessions.c.focus_questions).table_valued("value")
    focus = focus.alias("focus")
    days, held = AGENT_DAYS, sessions.c.held_on
    sums = [
        sa.func.sum(sa.case((when, days.c[column]), else_=0)).label(f"{side}_{label}")
        for side, when in (("before", days.c.day < held), ("after", days.c.day > held))
        for column, label in (("answered", "n"), ("passed", "passed"))
    ]
    per_key = (
        sa.select(*sums)
        .where(
            days.c.agent_id == sessions.c.agent_id,
            days.c.question_key == focus.c.value,
            days.c.day >= bounds.c.lo,
            days.c.day < bounds.c.hi,
        )
        .correlate(sessions, bounds, focus)
        .lateral("per_key")
    )
    return (
        sa.select(*(sa.func.sum(c).label(c.name) for c in per_key.c))
        .select_from(focus.join(per_key, sa.true()))
        .correlate(sessions, bounds)
        .lateral("sides")
    )
