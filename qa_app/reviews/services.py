"""The reviewer's working day: queues, assignments, sampling runs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import (
    Assignment,
    Evaluation,
    Flag,
    Interaction,
    SamplingRule,
    Scorecard,
    ScorecardVersion,
    User,
    utcnow,
)
from qa_app.reviews import evaluations, sampling
from qa_app.reviews.recurrence import Period

REVIEWER_ROLES = ("reviewer", "executive")


def latest_version(scorecard_id: int) -> ScorecardVersion | None:
    return db.session.scalar(
        select(ScorecardVersion)
        .where(ScorecardVersion.scorecard_id == scorecard_id)
        .order_by(ScorecardVersion.number.desc())
        .limit(1)
    )


def reviewable_scorecards(channel: str | None = None) -> list[Scorecard]:
    """Published, non-archived scorecards; the interaction's channel first."""
    cards = db.session.scalars(
        select(Scorecard).where(Scorecard.status == "published").order_by(Scorecard.name)
    ).all()
    return sorted(cards, key=lambda c: (c.channel not in (channel, "any"), c.name))


# How many of the latest counted evaluations of a channel say which scorecard
# a team uses for it: enough to see a habit, few enough to read at once.
RECENT_USE = 500


def scorecards_for(channel: str, team_id: int | None) -> list[Scorecard]:
    """The published scorecards in the order a reviewer wants them for a
    contact of ``channel`` and team ``team_id``: the first is the default.

    Scorecards made for the channel come first, then those for any channel,
    then the rest. Among several for the channel (an inbound and a
    collections call card, say) the one the team's recent evaluations of that
    channel used most leads, then the one used most by everyone, then by name.
    """
    cards = reviewable_scorecards(channel)
    recent = db.session.execute(
        select(ScorecardVersion.scorecard_id, Evaluation.team_id)
        .select_from(Evaluation)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .where(Evaluation.counted, Evaluation.channel == channel)
        .order_by(Evaluation.submitted_at.desc())
        .limit(RECENT_USE)
    ).all()
    by_team = Counter(card for card, team in recent if team_id is not None and team == team_id)
    overall = Counter(card for card, _ in recent)

    def rank(card: Scorecard) -> tuple[int, int, int, str]:
        fit = 0 if card.channel == channel else 1 if card.channel == "any" else 2
        return (fit, -by_team[card.id], -overall[card.id], card.name)

    return sorted(cards, key=rank)


def reviewers() -> list[User]:
    return db.session.scalars(
        select(User).where(User.role.in_(REVIEWER_ROLES), User.active.is_(True)).order_by(User.name)
    ).all()


@dataclass(frozen=True)
class QueueCounts:
    overdue: int
    due_today: int
    later: int


def _queue_query(of_one_reviewer: bool) -> Select:
    query = (
        select(
            Assignment.id,
            Assignment.due_at,
            Assignment.reviewer_id,
            Assignment.cycle_run_id,
            Interaction.id.label("interaction_id"),
            Interaction.external_id,
            Interaction.started_at,
            Interaction.channel,
            User.name.label("agent_name"),
            ScorecardVersion.number.label("version"),
            Scorecard.name.label("scorecard"),
        )
        .join(Interaction, Interaction.id == Assignment.interaction_id)
        .outerjoin(User, User.id == Interaction.agent_id)
        .join(ScorecardVersion, ScorecardVersion.id == Assignment.scorecard_version_id)
        .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
        .where(Assignment.status == "open")
    )
    if of_one_reviewer:
        query = query.where(Assignment.reviewer_id == bindparam("reviewer_id"))
    return query.order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id).limit(500)


# The queue's statements are built once: reviewers open the page all day, and
# building them (five joins) cost as much as running them.
_QUEUE = {one: _queue_query(one) for one in (True, False)}


def queue(reviewer_id: int | None) -> list[Row]:
    """Open assignments by due date (None = everyone's), one row each with what
    the page shows (interaction, agent, scorecard): plain rows in one query,
    not five ORM objects per line of the page a reviewer opens all day."""
    if reviewer_id is None:
        return list(db.session.execute(_QUEUE[False]))
    return list(db.session.execute(_QUEUE[True], {"reviewer_id": reviewer_id}))


def counts(assignments: list[Row], now: datetime | None = None) -> QueueCounts:
    now = now or utcnow()
    end_of_day = now.replace(hour=23, minute=59, second=59)
    overdue = sum(1 for a in assignments if a.due_at and a.due_at < now)
    today = sum(1 for a in assignments if a.due_at and now <= a.due_at <= end_of_day)
    return QueueCounts(overdue, today, len(assignments) - overdue - today)


_DRAFTS = (
    select(Evaluation)
    .where(
        Evaluation.reviewer_id == bindparam("reviewer_id"),
        Evaluation.status == "draft",
        Evaluation.calibration_session_id.is_(None),
    )
    .options(
        joinedload(Evaluation.interaction).load_only(Interaction.external_id),
        joinedload(Evaluation.scorecard_version)
        .load_only(ScorecardVersion.scorecard_id)
        .joinedload(ScorecardVersion.scorecard)
        .load_only(Scorecard.name),
    )
    .order_by(Evaluation.updated_at.desc())
    .limit(100)
)


def my_drafts(reviewer_id: int) -> list[Evaluation]:
    return db.session.scalars(_DRAFTS, {"reviewer_id": reviewer_id}).all()


def reassign(actor: User, assignment: Assignment, reviewer: User) -> None:
    """Give an open assignment to another reviewer.

    One assignment counts once: a draft the previous reviewer started on it is
    closed (kept, visible, not counted) and its author told why, in the same
    transaction. The reviewer changes only while the assignment is still open
    (a guarded UPDATE), so a submit racing this either completes it first
    (and the reassignment is refused) or finds it gone (and its draft closed).
    """
    if assignment.status != "open":
        raise ValueError("Only open assignments can be reassigned.")
    if reviewer.role not in REVIEWER_ROLES or not reviewer.active:
        raise ValueError("Choose an active reviewer or executive.")
    if reviewer.id == assignment.interaction.agent_id:
        raise ValueError("A reviewer cannot review their own interaction.")
    before = {"reviewer_id": assignment.reviewer_id}
    if before["reviewer_id"] == reviewer.id:
        return
    moved = db.session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.status == "open")
        .values(reviewer_id=reviewer.id),
        execution_options={"synchronize_session": False},
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise ValueError("This assignment was completed meanwhile; it can no longer be reassigned.")
    db.session.expire(assignment, ["reviewer_id", "reviewer"])
    closed = evaluations.supersede_drafts(
        assignment,
        f"This draft was closed: {actor.name} reassigned its assignment to {reviewer.name} "
        f"on {utcnow():%d %b %Y}. It is kept but not counted.",
    )
    audit.record(
        actor,
        "assignment.reassigned",
        "assignment",
        assignment.id,
        before,
        {"reviewer_id": reviewer.id, "closed_drafts": closed},
    )
    db.session.commit()


# --- sampling rules -------------------------------------------------------


def _in_scope(rule: SamplingRule, now: datetime, period: Period | None = None):
    """The rule's period and filters, as conditions on ``Interaction``: the
    ``period_days`` up to ``now`` for a run by hand, a cycle's ``[start, end)``."""
    if period is None:
        conditions = [
            Interaction.started_at >= now - timedelta(days=rule.period_days),
            Interaction.started_at <= now,
        ]
    else:
        conditions = [Interaction.started_at >= period.start, Interaction.started_at < period.end]
    f: dict[str, Any] = rule.filters or {}
    if f.get("team_id"):
        conditions.append(Interaction.team_id == f["team_id"])
    if f.get("channel"):
        conditions.append(Interaction.channel == f["channel"])
    if f.get("min_duration"):
        conditions.append(Interaction.duration_seconds >= f["min_duration"])
    if f.get("csat_max"):
        conditions.append(Interaction.csat <= f["csat_max"])
    if f.get("escalated") is not None:
        conditions.append(Interaction.escalated.is_(bool(f["escalated"])))
    return and_(*conditions)


_REVIEWED = exists().where(Evaluation.interaction_id == Interaction.id, Evaluation.counted)
# Taken, so neither drawn again nor free under the quota: reviewed, or
# assigned and not cancelled (an open or a finished assignment both use up one
# of the agent's places in the period; a cancelled one gives its place back).
_TAKEN = or_(
    _REVIEWED,
    exists().where(
        and_(Assignment.interaction_id == Interaction.id, Assignment.status != "cancelled")
    ),
)


def candidates_query(rule: SamplingRule, now: datetime, period: Period | None = None):
    """Interactions in the rule's period and filters that are not taken."""
    risk = (
        select(func.max(Flag.probability))
        .where(Flag.interaction_id == Interaction.id)
        .correlate(Interaction)
        .scalar_subquery()
    )
    return select(Interaction.id, Interaction.agent_id, risk).where(
        _in_scope(rule, now, period), ~_TAKEN
    )


def already_taken(
    rule: SamplingRule, now: datetime, period: Period | None = None
) -> dict[int, int]:
    """Per agent, the contacts in the rule's period and filters that are
    already assigned or reviewed: what counts against the per-agent quota."""
    rows = db.session.execute(
        select(Interaction.agent_id, func.count())
        .where(_in_scope(rule, now, period), _TAKEN)
        .group_by(Interaction.agent_id)
    ).all()
    return {agent_id: count for agent_id, count in rows if agent_id is not None}


def plan(
    rule: SamplingRule,
    *,
    seed: int,
    now: datetime | None = None,
    period: Period | None = None,
    load: dict[int, int] | None = None,
) -> list[sampling.Draw]:
    """What a run would create, without creating it (the preview). ``load``
    (reviewer -> work already counted) defaults to everyone's open assignments;
    a cycle passes its own. Reviewers with a goal get work in its proportion."""
    now = now or utcnow()
    rows = db.session.execute(candidates_query(rule, now, period)).all()
    candidates = [sampling.Candidate(i, a, r) for i, a, r in rows]
    chosen = sampling.pick_per_agent(
        candidates,
        rule.per_agent,
        seed=seed,
        mode=rule.mode,
        already=already_taken(rule, now, period),
    )
    if load is None:
        load = dict(
            db.session.execute(
                select(Assignment.reviewer_id, func.count())
                .where(Assignment.status == "open")
                .group_by(Assignment.reviewer_id)
            ).all()
        )
    goals = {int(r): g for r, g in (rule.reviewer_goals or {}).items()}
    return sampling.spread(chosen, list(rule.reviewer_ids), load=load, goals=goals or None)


def run(actor: User, rule: SamplingRule, *, seed: int, now: datetime | None = None) -> int:
    """Create the planned assignments in one transaction; returns how many."""
    version = latest_version(rule.scorecard_id)
    if version is None or rule.scorecard.status != "published":
        raise ValueError("The rule's scorecard has no published, active version.")
    now = now or utcnow()
    draws = plan(rule, seed=seed, now=now)
    due = now + timedelta(days=rule.due_days)
    for draw in draws:
        db.session.add(
            Assignment(
                interaction_id=draw.interaction_id,
                reviewer_id=draw.reviewer_id,
                scorecard_version_id=version.id,
                rule_id=rule.id,
                reason="sampled",
                due_at=due,
                created_by_id=actor.id,
            )
        )
    rule.last_run_at = now
    audit.record(
        actor,
        "sampling.run",
        "sampling_rule",
        rule.id,
        None,
        {"seed": seed, "assignments": len(draws)},
    )
    try:
        db.session.commit()
    except IntegrityError as exc:  # someone assigned one of them meanwhile
        db.session.rollback()
        raise ValueError("Assignments changed while this run was prepared; preview again.") from exc
    return len(draws)
