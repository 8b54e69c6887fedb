"""The reviewers' figures from one scan of the counted evaluations.

The Reviewers tab (and the periodic review) needs per reviewer the load
(evaluations, active days, mean score, median time) and per reviewer, team,
channel and week the scored evaluations behind leniency. On PostgreSQL both
come from one GROUPING SETS query: the two groupings form one roll-up chain, so
the server reads and sorts the evaluations once. SQLite has no grouping sets
and runs the two aggregates of ``activity`` instead; the figures are the same.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from qa_app.reports import activity
from qa_app.reports.queries import (
    EVALS,
    INTERACTIONS,
    Filters,
    as_text,
    counted,
    dialect,
    frame,
    period_key,
    reviewers_own,
)

LOAD = ["reviewer_id", "n", "active_days", "scored", "total_sum", "median_seconds"]
CELLS = ["reviewer_id", "team_id", "channel", "week", "n", "total_sum"]


def reviewer_activity(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(load per reviewer, comparable cells per reviewer/team/channel/week)."""
    if dialect() != "postgresql":
        return activity.reviewer_load(filters), activity.comparable_cells(filters)
    return split(frame(query(filters)))


def split(out: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (load, cells) frames of the grouping sets' rows."""
    out = as_text(out, "week")
    load = out.loc[out["level"] == 1, LOAD].reset_index(drop=True)
    cells = out.loc[out["level"] == 0].rename(columns={"n": "all", "scored": "n"})
    cells = cells.loc[cells["n"] > 0, CELLS].reset_index(drop=True)
    return load, cells


def query(filters: Filters) -> sa.Select:
    """Level 1 rows: one per reviewer (load); level 0: one per comparable cell, whose
    ``scored``/``total_sum`` count only defined totals, as leniency compares."""
    source, conds = counted(filters)
    columns, sets = aggregate(EVALS.c, INTERACTIONS.c)
    return (
        sa.select(*columns).select_from(source).where(*conds, reviewers_own(EVALS.c)).group_by(sets)
    )


def aggregate(e: Any, i: Any) -> tuple[list[Any], Any]:
    """The columns and grouping sets over the evaluation columns ``e`` and the
    interaction columns ``i`` (of the tables, or of a scan holding the same)."""
    week = period_key(e.submitted_at, "week").label("week")
    day = sa.func.date_trunc("day", sa.func.timezone("UTC", e.submitted_at))
    cell = (i.team_id, i.channel, week)
    median = sa.func.percentile_cont(0.5).within_group(e.time_spent_seconds)
    sets = sa.func.grouping_sets(sa.tuple_(e.reviewer_id), sa.tuple_(e.reviewer_id, *cell))
    columns = [
        e.reviewer_id,
        *cell,
        sa.func.grouping(i.team_id).label("level"),
        sa.func.count().label("n"),
        sa.func.count(sa.distinct(day)).label("active_days"),
        sa.func.count(e.total).label("scored"),
        sa.func.sum(e.total).label("total_sum"),
        median.label("median_seconds"),
    ]
    return columns, sets
