"""SQL aggregates about people and operations: reviewers, coverage, backlog,
flags, coaching. Same contract as ``queries.py``: GROUP BY in the database,
small frames out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.flags import flagged
from qa_app.models import (
    AgentQuestionDay,
    Assignment,
    CalibrationSession,
    CoachingItem,
    CoachingSession,
    Flag,
    Interaction,
    SamplingRule,
    User,
)
from qa_app.models.evaluation import CALIBRATION_KINDS
from qa_app.reports.queries import (
    ANSWERS,
    DISPUTES,
    EVALS,
    Filters,
    _count_if,
    as_text,
    counted,
    counted_clause,
    dialect,
    frame,
    period,
    period_key,
    reviewers_own,
    window,
)

INTERACTIONS = Interaction.__table__
ASSIGNMENTS = Assignment.__table__
FLAGS = Flag.__table__
COACHING = CoachingSession.__table__
COACHING_ITEMS = CoachingItem.__table__
USERS = User.__table__
SESSIONS = CalibrationSession.__table__
AGENT_DAYS = AgentQuestionDay.__table__
OVERTURNED = ("overturned", "partly_overturned")


def reviewer_load(filters: Filters) -> pd.DataFrame:
    """Per reviewer: n, active days, scored, total_sum, median seconds per evaluation."""
    source, conds = counted(filters)
    day = period_key(EVALS.c.submitted_at, "day")
    columns = [
        EVALS.c.reviewer_id,
        sa.func.count().label("n"),
        sa.func.count(sa.distinct(day)).label("active_days"),
        sa.func.count(EVALS.c.total).label("scored"),
        sa.func.sum(EVALS.c.total).label("total_sum"),
    ]
    if dialect() == "postgresql":
        median = sa.func.percentile_cont(0.5).within_group(EVALS.c.time_spent_seconds)
        columns.append(median.label("median_seconds"))
    query = (
        sa.select(*columns)
        .select_from(source)
        .where(*conds, reviewers_own(EVALS.c))
        .group_by(EVALS.c.reviewer_id)
    )
    out = frame(query)
    if dialect() != "postgresql":
        out["median_seconds"] = out["reviewer_id"].map(_medians_sqlite(filters))
    return out


def _medians_sqlite(filters: Filters) -> dict[int, float]:
    """SQLite has no percentile: count each (reviewer, seconds) value in SQL and
    take the weighted median of those counts."""
    source, conds = counted(filters)
    query = (
        sa.select(
            EVALS.c.reviewer_id, EVALS.c.time_spent_seconds.label("s"), sa.func.count().label("c")
        )
        .select_from(source)
        .where(*conds, reviewers_own(EVALS.c))
        .group_by(EVALS.c.reviewer_id, EVALS.c.time_spent_seconds)
    )
    out: dict[int, float] = {}
    for reviewer, group in frame(query).groupby("reviewer_id"):
        out[int(reviewer)] = float(group["s"].repeat(group["c"]).median())
    return out


def comparable_cells(filters: Filters) -> pd.DataFrame:
    """Per (reviewer, team, channel, week): scored evaluations and their score sum,
    the basis of leniency against other reviewers on comparable interactions."""
    source, conds = counted(filters)
    week = period_key(EVALS.c.submitted_at, "week").label("week")
    keys = [EVALS.c.reviewer_id, EVALS.c.team_id, EVALS.c.channel, week]
    query = (
        sa.select(*keys, sa.func.count().label("n"), sa.func.sum(EVALS.c.total).label("total_sum"))
        .select_from(source)
        .where(*conds, reviewers_own(EVALS.c), EVALS.c.total.is_not(None))
        .group_by(*keys)
    )
    return as_text(frame(query), "week")


def dispute_counts(filters: Filters) -> pd.DataFrame:
    """Per reviewer: disputed evaluations, resolved disputes, overturned ones."""
    source, conds = counted(filters)
    source = source.join(DISPUTES, DISPUTES.c.evaluation_id == EVALS.c.id)
    query = (
        sa.select(
            EVALS.c.reviewer_id,
            sa.func.count(sa.distinct(EVALS.c.id)).label("disputed"),
            _count_if(DISPUTES.c.status == "resolved").label("resolved"),
            _count_if(DISPUTES.c.outcome.in_(OVERTURNED)).label("overturned"),
        )
        .select_from(source)
        .where(*conds, reviewers_own(EVALS.c), DISPUTES.c.status != "withdrawn")
        .group_by(EVALS.c.reviewer_id)
    )
    return frame(query)


def calibration_totals(until: datetime | None) -> pd.DataFrame:
    """Totals of every submitted calibration/benchmark evaluation in revealed sessions
    (one row per evaluation: few, calibration sessions are small)."""
    query = (
        sa.select(
            SESSIONS.c.id.label("session_id"),
            SESSIONS.c.title,
            SESSIONS.c.revealed_at,
            EVALS.c.interaction_id.label("interaction"),
            EVALS.c.reviewer_id,
            EVALS.c.kind,
            EVALS.c.total,
        )
        .select_from(SESSIONS.join(EVALS, EVALS.c.calibration_session_id == SESSIONS.c.id))
        .where(
            SESSIONS.c.status != "open",
            SESSIONS.c.revealed_at.is_not(None),
            EVALS.c.status == "submitted",
            EVALS.c.kind.in_(CALIBRATION_KINDS),
        )
    )
    if until is not None:
        query = query.where(SESSIONS.c.revealed_at < until)
    return frame(query)


def coverage(filters: Filters) -> pd.DataFrame:
    """Per agent: interactions started in the period and how many have a counted evaluation."""
    reviewed = sa.exists(
        sa.select(EVALS.c.id).where(
            EVALS.c.interaction_id == INTERACTIONS.c.id, counted_clause(EVALS.c)
        )
    )
    conds = window(INTERACTIONS.c.started_at, filters)
    conds += interaction_conds(filters)
    query = (
        sa.select(
            INTERACTIONS.c.agent_id,
            INTERACTIONS.c.team_id,
            sa.func.count().label("interactions"),
            _count_if(reviewed).label("reviewed"),
        )
        .where(*conds)
        .group_by(INTERACTIONS.c.agent_id, INTERACTIONS.c.team_id)
    )
    return frame(query)


def active_rules() -> list[SamplingRule]:
    return list(db.session.scalars(sa.select(SamplingRule).where(SamplingRule.active.is_(True))))


def backlog(filters: Filters, now: datetime) -> pd.DataFrame:
    """Open assignments by due bucket: overdue, this week (to Sunday), later, no date."""
    week_end = datetime.combine(now.date() + timedelta(days=7 - now.weekday()), datetime.min.time())
    week_end = week_end.replace(tzinfo=UTC)
    due = ASSIGNMENTS.c.due_at
    bucket = sa.case(
        (due.is_(None), "no due date"),
        (due < now, "overdue"),
        (due < week_end, "this week"),
        else_="later",
    ).label("bucket")
    source = ASSIGNMENTS.join(INTERACTIONS, INTERACTIONS.c.id == ASSIGNMENTS.c.interaction_id)
    conds = [ASSIGNMENTS.c.status == "open"]
    conds += interaction_conds(filters)
    if filters.reviewer is not None:
        conds.append(ASSIGNMENTS.c.reviewer_id == filters.reviewer)
    query = (
        sa.select(bucket, sa.func.count().label("n"))
        .select_from(source)
        .where(*conds)
        .group_by(bucket)
    )
    return frame(query)


def flag_reviews(filters: Filters) -> pd.DataFrame:
    """Per target: flags raised in the period, reviewed, confirmed. A flag is what the
    Flagged queue lists (``qa_app.flags.flagged``): a score of an active model above
    its threshold, within its budget; the other scores are not flags."""
    source = FLAGS.join(INTERACTIONS, INTERACTIONS.c.id == FLAGS.c.interaction_id)
    conds = [flagged.condition(flagged.cuts(), FLAGS), *window(FLAGS.c.created_at, filters)]
    conds += interaction_conds(filters)
    query = (
        sa.select(
            FLAGS.c.target,
            sa.func.count().label("flags"),
            sa.func.count(FLAGS.c.review).label("reviewed"),
            _count_if(FLAGS.c.review == "confirmed").label("confirmed"),
        )
        .select_from(source)
        .where(*conds)
        .group_by(FLAGS.c.target)
    )
    return frame(query)


def _coaching_scope(filters: Filters) -> tuple[object, list]:
    source = COACHING.join(USERS, USERS.c.id == COACHING.c.agent_id)
    conds = []
    if filters.team is not None:
        conds.append(USERS.c.team_id == filters.team)
    if filters.agent is not None:
        conds.append(COACHING.c.agent_id == filters.agent)
    if filters.reviewer is not None:
        conds.append(COACHING.c.coach_id == filters.reviewer)
    return source, conds


def _held_in(filters: Filters) -> list:
    conds = []
    if filters.date_from:
        conds.append(COACHING.c.held_on >= filters.date_from)
    if filters.date_to:
        conds.append(COACHING.c.held_on <= filters.date_to)
    return conds


def coaching_sessions(filters: Filters) -> pd.DataFrame:
    """Sessions held in the period (one row each: a handful per agent and month)."""
    source, conds = _coaching_scope(filters)
    conds += _held_in(filters)
    query = sa.select(
        COACHING.c.id, COACHING.c.agent_id, COACHING.c.held_on, COACHING.c.focus_questions
    )
    query = query.select_from(source).where(*conds)
    return frame(query.order_by(COACHING.c.held_on, COACHING.c.id))


def focus_sides(filters: Filters, lo: date, hi: date) -> Any:
    """Per session held in the period: answered and passed (full points) answers of
    the agent's counted evaluations on the session's focus questions, submitted
    before and after the session's day, days in [lo, hi); from the daily roll-up
    ``report_agent_question_days``, the focus list unnested in SQL.

    Each sum is a subquery per (session, focus key), one range of the roll-up's
    primary key (agent, key, day): a plain join lets PostgreSQL's planner, which
    cannot see how few keys the JSON lists hold, scan the whole roll-up."""
    source, conds = _coaching_scope(filters)
    unnest = "jsonb_array_elements_text" if dialect() == "postgresql" else "json_each"
    focus = getattr(sa.func, unnest)(COACHING.c.focus_questions).table_valued("value")
    focus = focus.alias("focus")
    days, held = AGENT_DAYS, COACHING.c.held_on

    def total(column: str, *when: Any) -> Any:
        return (
            sa.select(sa.func.coalesce(sa.func.sum(days.c[column]), 0))
            .where(days.c.agent_id == COACHING.c.agent_id, days.c.question_key == focus.c.value,
                   *when)
            .scalar_subquery()
        )  # fmt: skip

    sides = {"before": (days.c.day >= lo, days.c.day < held),
             "after": (days.c.day > held, days.c.day < hi)}  # fmt: skip
    columns = [
        total(column, *when).label(f"{side}_{label}")
        for side, when in sides.items()
        for column, label in (("answered", "n"), ("passed", "passed"))
    ]
    per_key = (
        sa.select(COACHING.c.id.label("session_id"), *columns)
        .select_from(source.join(focus, sa.true()))
        .where(*conds, *_held_in(filters))
        .subquery()
    )
    sums = [sa.func.sum(c).label(c.name) for c in per_key.c if c.name != "session_id"]
    return sa.select(per_key.c.session_id, *sums).group_by(per_key.c.session_id)


def overdue_items(filters: Filters, today: date) -> int:
    """Open action items past their due day, of the filters' sessions."""
    source, conds = _coaching_scope(filters)
    source = source.join(COACHING_ITEMS, COACHING_ITEMS.c.session_id == COACHING.c.id)
    query = (
        sa.select(sa.func.count())
        .select_from(source)
        .where(*conds, COACHING_ITEMS.c.due_on < today, COACHING_ITEMS.c.done_at.is_(None))
    )
    return int(db.session.execute(query).scalar_one())


def focus_answers_raw(pairs: set[tuple[int, str]], lo: datetime, hi: datetime) -> Any:
    """Per (agent, question key, day) from the raw answers: the query that
    ``focus_sides`` on the roll-up replaced (the benchmark times it for reference)."""
    agents = sorted({a for a, _ in pairs})
    keys = sorted({k for _, k in pairs})
    day = period(EVALS.c.submitted_at, "day").label("day")
    group = [EVALS.c.agent_id, ANSWERS.c.question_key, day]
    return (
        sa.select(
            *group,
            sa.func.count().label("answered"),
            _count_if(ANSWERS.c.earned >= ANSWERS.c.possible).label("passed"),
        )
        .select_from(ANSWERS.join(EVALS, EVALS.c.id == ANSWERS.c.evaluation_id))
        .where(
            counted_clause(EVALS.c),
            EVALS.c.agent_id.in_(agents),
            ANSWERS.c.question_key.in_(keys),
            ANSWERS.c.possible.is_not(None),
            EVALS.c.submitted_at >= lo,
            EVALS.c.submitted_at < hi,
        )
        .group_by(*group)
    )


def interaction_conds(filters: Filters) -> list:
    """The team, channel and agent filters, on the interaction of a row."""
    conds = []
    if filters.team is not None:
        conds.append(INTERACTIONS.c.team_id == filters.team)
    if filters.channel:
        conds.append(INTERACTIONS.c.channel == filters.channel)
    if filters.agent is not None:
        conds.append(INTERACTIONS.c.agent_id == filters.agent)
    return conds
