"""The reviewers' figures from one scan of the counted evaluations.

The Reviewers tab (and the periodic review) needs per reviewer the load
(evaluations, active days, mean score, median time) and per reviewer, team,
channel and week the scored evaluations behind leniency. On PostgreSQL both
come from one GROUPING SETS query: the two groupings form one roll-up chain, so
the server reads and sorts the evaluations once. SQLite has no grouping sets
and runs the two aggregates of ``activity`` instead; the figures are the same.
"""

from __future__ import annotations

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
)

LOAD = ["reviewer_id", "n", "active_days", "scored", "total_sum", "median_seconds"]
CELLS = ["reviewer_id", "team_id", "channel", "week", "n", "total_sum"]


def reviewer_activity(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(load per reviewer, comparable cells per reviewer/team/channel/week)."""
    if dialect() != "postgresql":
        return activity.reviewer_load(filters), activity.comparable_cells(filters)
    out = as_text(frame(query(filters)), "week")
    load = out.loc[out["level"] == 1, LOAD].reset_index(drop=True)
    cells = out.loc[out["level"] == 0].rename(columns={"n": "all", "scored": "n"})
    cells = cells.loc[cells["n"] > 0, CELLS].reset_index(drop=True)
    return load, cells


def query(filters: Filters) -> sa.Select:
    """Level 1 rows: one per reviewer (load); level 0: one per comparable cell, whose
    ``scored``/``total_sum`` count only defined totals, as leniency compares."""
    source, conds = counted(filters)
    week = period_key(EVALS.c.submitted_at, "week").label("week")
    day = sa.func.date_trunc("day", sa.func.timezone("UTC", EVALS.c.submitted_at))
    cell = (INTERACTIONS.c.team_id, INTERACTIONS.c.channel, week)
    median = sa.func.percentile_cont(0.5).within_group(EVALS.c.time_spent_seconds)
    sets = sa.func.grouping_sets(
        sa.tuple_(EVALS.c.reviewer_id), sa.tuple_(EVALS.c.reviewer_id, *cell)
    )
    return (
        sa.select(
            EVALS.c.reviewer_id,
            *cell,
            sa.func.grouping(INTERACTIONS.c.team_id).label("level"),
            sa.func.count().label("n"),
            sa.func.count(sa.distinct(day)).label("active_days"),
            sa.func.count(EVALS.c.total).label("scored"),
            sa.func.sum(EVALS.c.total).label("total_sum"),
            median.label("median_seconds"),
        )
        .select_from(source)
        .where(*conds)
        .group_by(sets)
    )
