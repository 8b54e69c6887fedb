"""The reports' SQL: every figure is a GROUP BY run in the database.

Each function takes the dashboard ``Filters`` and returns a small pandas frame,
one row per group (period, team, agent, question key, reviewer ...); the
shaping into figures happens in ``figures.py``. No function here loads one row
per answer into Python.

Counted evaluations everywhere (``Evaluation.counted``; ``counted_clause`` here).
An evaluation's team and channel are its own columns (copied from its
interaction: the contact's team at the time; see ``reviews.evaluations.new``),
so no report joins the interactions for them; its scorecard is the one of its
pinned version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import (
    Answer,
    Dispute,
    Evaluation,
    QuestionDay,
    ScorecardVersion,
)
from qa_app.models.evaluation import counted_clause, reviewers_own
from qa_app.reports.lookups import FAMILIES, family_versions
from qa_app.reports.results import as_text, dialect, frame

# Re-exported: run and shaped in results.py; the counted rules are the model's.
__all__ = ["FAMILIES", "as_text", "counted_clause", "dialect", "frame", "reviewers_own"]

BINS = 10  # score distribution: 10-point bins, 100 in the last one
BIN_EDGES = [10 * (n + 1) for n in range(BINS - 1)]  # 10 .. 90

EVALS = Evaluation.__table__
ANSWERS = Answer.__table__
VERSIONS = ScorecardVersion.__table__
DISPUTES = Dispute.__table__
QUESTION_DAYS = QuestionDay.__table__


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; every field optional. Dates are inclusive days (UTC)."""

    date_from: date | None = None
    date_to: date | None = None
    team: int | None = None
    agent: int | None = None
    channel: str | None = None
    scorecard: int | None = None
    reviewer: int | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) as UTC instants."""
        lo = datetime.combine(self.date_from, time(), UTC) if self.date_from else None
        hi = (
            datetime.combine(self.date_to + timedelta(days=1), time(), UTC)
            if self.date_to
            else None
        )
        return lo, hi

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for links and exports)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value != "":
                out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out

    def replace(self, **changes: Any) -> Filters:
        return Filters(**(asdict(self) | changes))


@dataclass(frozen=True)
class Drill:
    """A figure's own condition, added to the filters on the drill-down list."""

    period: str | None = None  # "2026-11-02": the week or month starting that day
    grain: str = "week"
    question: str | None = None  # evaluations where this question lost points
    bin: int | None = None  # score bin 0..9
    below: bool = False  # below the team's threshold
    auto_failed: bool = False
    family: str | None = None  # with a critical error of this family
    undefined: bool = False  # total undefined (everything N/A)
    disputed: bool = False
    overturned: bool = False


def period(column: Any, grain: str) -> Any:
    """The first day of the column's day/week (Monday)/month, as 'YYYY-MM-DD' text."""
    if dialect() == "postgresql":
        utc = sa.func.timezone("UTC", column)
        return sa.func.to_char(sa.func.date_trunc(grain, utc), "YYYY-MM-DD")
    if grain == "month":
        return sa.func.strftime("%Y-%m-01", column)
    if grain == "week":
        return sa.func.date(column, "weekday 0", "-6 days")
    return sa.func.date(column)


def period_key(column: Any, grain: str) -> Any:
    """``period`` for GROUP BY: on PostgreSQL the truncated timestamp itself, which
    groups about three times faster than its text; ``as_text`` formats the few
    grouped values afterwards."""
    if dialect() == "postgresql":
        return sa.func.date_trunc(grain, sa.func.timezone("UTC", column))
    return period(column, grain)


def window(column: Any, filters: Filters) -> list[Any]:
    lo, hi = filters.bounds()
    return [c for c in (column >= lo if lo else None, column < hi if hi else None) if c is not None]


def _count_if(condition: Any) -> Any:
    """How many rows meet ``condition``: ``count(*) FILTER (WHERE ...)`` (SQL
    standard; SQLite since 3.30), an integer, where ``sum(CASE ...)`` is a
    PostgreSQL numeric that the driver hands over as ``Decimal`` (a fifth of the
    dashboard's time went converting 20,000 rows of them) and NULL over no rows."""
    return sa.func.count().filter(condition)


def counted(filters: Filters) -> tuple[Any, list[Any]]:
    """FROM clause and WHERE conditions of the counted evaluations under ``filters``."""
    source = EVALS
    conds = [counted_clause(EVALS.c), *window(EVALS.c.submitted_at, filters)]
    if filters.team is not None:
        conds.append(EVALS.c.team_id == filters.team)
    if filters.channel:
        conds.append(EVALS.c.channel == filters.channel)
    if filters.agent is not None:
        conds.append(EVALS.c.agent_id == filters.agent)
    if filters.reviewer is not None:
        conds.append(EVALS.c.reviewer_id == filters.reviewer)
    if filters.scorecard is not None:
        versions = sa.select(VERSIONS.c.id).where(VERSIONS.c.scorecard_id == filters.scorecard)
        conds.append(EVALS.c.scorecard_version_id.in_(versions))
    return source, conds


def has_family(family: str, column: Any = EVALS.c.critical_families) -> Any:
    """The evaluation carries a critical error of ``family`` (JSON list as text)."""
    return sa.cast(column, sa.Text).like(f'%"{family}"%')


def threshold_expr(default: float, per_team: dict[int, float], team: Any = EVALS.c.team_id) -> Any:
    """The quality threshold of the row's team (``team``: its team column)."""
    if not per_team:
        return sa.literal(float(default))
    whens = [(team == int(t), float(v)) for t, v in per_team.items()]
    return sa.case(*whens, else_=float(default))


def drill_conditions(drill: Drill, threshold: Any) -> list[Any]:
    conds: list[Any] = []
    if drill.period:
        conds.append(period(EVALS.c.submitted_at, drill.grain) == drill.period)
    if drill.question:
        lost = sa.select(ANSWERS.c.id).where(
            ANSWERS.c.evaluation_id == EVALS.c.id,
            ANSWERS.c.question_key == drill.question,
            ANSWERS.c.possible.is_not(None),
            ANSWERS.c.earned < ANSWERS.c.possible,
        )
        conds.append(sa.exists(lost))
    if drill.bin is not None:
        conds.append(score_bin() == drill.bin)
    if drill.below:
        conds.append(EVALS.c.total < threshold)
    if drill.auto_failed:
        conds.append(EVALS.c.auto_failed.is_(True))
    if drill.family:
        conds.append(has_family(drill.family))
    if drill.undefined:
        conds.append(EVALS.c.total.is_(None))
    if drill.disputed or drill.overturned:
        query = sa.select(DISPUTES.c.id).where(DISPUTES.c.evaluation_id == EVALS.c.id)
        if drill.overturned:
            query = query.where(DISPUTES.c.outcome.in_(("overturned", "partly_overturned")))
        conds.append(sa.exists(query))
    return conds


def score_bin() -> Any:
    """0..9 for [0,10) ... [90,100]; portable (no floor() on SQLite)."""
    whens = [(EVALS.c.total < 10 * (n + 1), n) for n in range(BINS - 1)]
    return sa.case(*whens, else_=BINS - 1)


def evaluation_cube(
    filters: Filters, threshold: Any, drill: Drill | None = None, *, grouped: bool = True
) -> pd.DataFrame:
    """One row per (week, month, team, agent): counts and sums of the counted evaluations.

    Columns n, scored (total defined), total_sum, auto_failed, below, per
    family ``<f>_eligible`` (version has questions of the family) and
    ``<f>_errors``, and the score distribution as cumulative counts ``lt10`` ..
    ``lt90`` (totals below 10 ... 90), so the histogram needs no second scan.
    ``grouped=False``: one row of totals (a headline only).
    """
    source, conds = counted(filters)
    if drill is not None:
        conds += drill_conditions(drill, threshold)
    keys, sums = cube_columns(EVALS.c, threshold)
    query = sa.select(*(keys if grouped else []), *sums).select_from(source).where(*conds)
    if grouped:
        query = query.group_by(*keys)
    return as_text(frame(query), "week", "month")


def cube_columns(e: Any, threshold: Any) -> tuple[list[Any], list[Any]]:
    """The cube's group keys (week, month, team_id, agent_id) and sums, over the
    evaluation columns ``e``."""
    keys = [
        period_key(e.submitted_at, "week").label("week"),
        period_key(e.submitted_at, "month").label("month"),
        e.team_id.label("team_id"),
        e.agent_id.label("agent_id"),
    ]
    sums = [
        sa.func.count().label("n"),
        sa.func.count(e.total).label("scored"),
        sa.func.sum(e.total).label("total_sum"),
        _count_if(e.auto_failed.is_(True)).label("auto_failed"),
        _count_if(e.total < threshold).label("below"),
    ]
    for family, version_ids in family_versions().items():
        eligible = (
            _count_if(e.scorecard_version_id.in_(version_ids)) if version_ids else sa.literal(0)
        )
        sums += [
            eligible.label(f"{family}_eligible"),
            _count_if(has_family(family, e.critical_families)).label(f"{family}_errors"),
        ]
    sums += [_count_if(e.total < edge).label(f"lt{edge}") for edge in BIN_EDGES]
    return keys, sums


def question_failure_rows(filters: Filters) -> list[tuple]:
    """Per question key (key, answered, failed): answered (non-N/A, scored)
    answers and those below full points. Rows, not a frame: the Pareto reads
    tens of them, which a frame would only wrap and unwrap.

    From the daily roll-up unless an agent or reviewer filter needs the raw
    answers (the roll-up keeps day, team, channel and version, not people).
    """
    if filters.agent is not None or filters.reviewer is not None:
        statement = question_failures_raw(filters)
    else:
        statement = question_failures_rollup(filters)
    return [tuple(row) for row in db.session.execute(statement)]


def question_failures_rollup(filters: Filters) -> Any:
    """The Pareto's query on ``report_question_days`` (same numbers as the raw one)."""
    conds = []
    if filters.date_from:
        conds.append(QUESTION_DAYS.c.day >= filters.date_from)
    if filters.date_to:
        conds.append(QUESTION_DAYS.c.day <= filters.date_to)
    if filters.team is not None:
        conds.append(QUESTION_DAYS.c.team_id == filters.team)
    if filters.channel:
        conds.append(QUESTION_DAYS.c.channel == filters.channel)
    if filters.scorecard is not None:
        versions = sa.select(VERSIONS.c.id).where(VERSIONS.c.scorecard_id == filters.scorecard)
        conds.append(QUESTION_DAYS.c.scorecard_version_id.in_(versions))
    answered = sa.func.sum(QUESTION_DAYS.c.answered)
    return (
        sa.select(
            QUESTION_DAYS.c.question_key,
            answered.label("answered"),
            sa.func.sum(QUESTION_DAYS.c.failed).label("failed"),
        )
        .where(*conds)
        .group_by(QUESTION_DAYS.c.question_key)
        .having(answered > 0)
    )


def question_failures_raw(filters: Filters) -> Any:
    """The Pareto's query on the raw answers."""
    source, conds = counted(filters)
    ids = sa.select(EVALS.c.id).select_from(source).where(*conds).subquery()
    return (
        sa.select(
            ANSWERS.c.question_key,
            sa.func.count().label("answered"),
            _count_if(ANSWERS.c.earned < ANSWERS.c.possible).label("failed"),
        )
        .select_from(ANSWERS.join(ids, ids.c.id == ANSWERS.c.evaluation_id))
        .where(ANSWERS.c.possible.is_not(None))
        .group_by(ANSWERS.c.question_key)
    )
