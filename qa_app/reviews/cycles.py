"""Review cycles: recurring sampling rules that run themselves.

Every minute the job queue's scheduler calls ``run_due`` (the periodic task
``run_due_cycles`` in ``qa_app.jobs.queue``). For each active recurring rule it
takes the latest period that has ended (``recurrence.last_complete``) and, if
that period has no run yet, runs it: the contacts that started in the period,
topped up to the rule's quota per agent, spread over its reviewers by goal.

Exactly once per period, however many workers call ``run_due`` at once: the
period's ``review_cycle_runs`` row (unique on rule and period start) is the
first thing the run's transaction writes, so a second worker's insert waits
for the first transaction and then fails on the key, creating nothing. A
worker down for weeks catches up once: only the latest ended period runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import (
    Assignment,
    Evaluation,
    Interaction,
    ReviewCycleRun,
    SamplingRule,
    User,
    utcnow,
)
from qa_app.reviews import evaluations, services
from qa_app.reviews.recurrence import Period, Recurrence, last_complete, period_containing

log = logging.getLogger(__name__)


class SwapConflictError(ValueError):
    """The assignment cannot be swapped in its state (done, not from a cycle): 409."""


def recurrence_of(rule: SamplingRule) -> Recurrence | None:
    if not rule.recurrence:
        return None
    return Recurrence(rule.recurrence, rule.run_at, rule.time_zone)


def due_period(rule: SamplingRule, now: datetime) -> Period | None:
    """The period a run at ``now`` samples, or None when the cycle has not yet
    completed a period since it was set (a new weekly cycle on a Wednesday
    first runs the next Monday, not for the week before it existed)."""
    rec = recurrence_of(rule)
    if rec is None or not rule.active:
        return None
    period = last_complete(rec, now)
    if rule.cycle_since is not None and period.end <= rule.cycle_since:
        return None
    return period


def run_due(now: datetime | None = None) -> list[ReviewCycleRun]:
    """Run every recurring rule's due period that has not run; returns the runs
    this call made (another worker's are not among them)."""
    now = now or utcnow()
    rules = db.session.scalars(
        select(SamplingRule)
        .where(SamplingRule.active.is_(True), SamplingRule.recurrence.is_not(None))
        .order_by(SamplingRule.id)
    ).all()
    due = [(rule.id, period) for rule in rules if (period := due_period(rule, now)) is not None]
    made = []
    for rule_id, period in due:
        ran = db.session.scalar(
            select(ReviewCycleRun.id).where(
                ReviewCycleRun.rule_id == rule_id, ReviewCycleRun.period_start == period.start
            )
        )
        if ran is None and (run := run_period(rule_id, period, now)) is not None:
            made.append(run)
    return made


def _seed(rule_id: int, period: Period) -> int:
    """The same draw for the same rule and period, whichever worker makes it."""
    return (rule_id * 1_000_003 + int(period.start.timestamp()) // 60) % 2**31


def run_period(rule_id: int, period: Period, now: datetime) -> ReviewCycleRun | None:
    """Sample ``period`` of the rule in one transaction; None if it already ran
    (or another worker holds it: SQLite's lock wait ran out; the next minute retries)."""
    db.session.rollback()  # no transaction open before the run row: it is the first write
    run = ReviewCycleRun(rule_id=rule_id, period_start=period.start, period_end=period.end)
    run.ran_at = now
    db.session.add(run)
    try:
        db.session.flush()
    except (IntegrityError, OperationalError):
        db.session.rollback()
        return None
    rule = db.session.get(SamplingRule, rule_id)
    due = now + timedelta(days=rule.due_days)
    _settle_previous(rule, run, due)
    version = services.latest_version(rule.scorecard_id)
    if version is None or rule.scorecard.status != "published":
        run.problem = "The rule's scorecard has no published, active version; nothing was drawn."
    else:
        load = dict(
            db.session.execute(
                select(Assignment.reviewer_id, func.count())
                .where(Assignment.rule_id == rule.id, Assignment.status == "open")
                .group_by(Assignment.reviewer_id)
            ).all()
        )
        draws = services.plan(rule, seed=_seed(rule.id, period), now=now, period=period, load=load)
        db.session.add_all(
            Assignment(
                interaction_id=draw.interaction_id,
                reviewer_id=draw.reviewer_id,
                scorecard_version_id=version.id,
                rule_id=rule.id,
                cycle_run_id=run.id,
                reason="sampled",
                due_at=due,
            )
            for draw in draws
        )
        run.created = len(draws)
        rule.last_run_at = now
    audit.record(
        None,
        "cycle.run",
        "sampling_rule",
        rule.id,
        None,
        {
            "period_start": period.start.isoformat(),
            "created": run.created,
            "carried": run.carried,
            "cancelled": run.cancelled,
            "problem": run.problem or None,
        },
    )
    try:
        db.session.commit()
    except (IntegrityError, OperationalError):  # a contact was assigned by hand meanwhile
        db.session.rollback()
        log.warning("review cycle of rule %s for %s will be retried", rule_id, period.start)
        return None
    log.info("review cycle of rule %s for %s: %s assignments", rule_id, period.start, run.created)
    return run


def _settle_previous(rule: SamplingRule, run: ReviewCycleRun, due: datetime) -> None:
    """The previous cycles' unfinished assignments: due with this cycle's work
    (carry over), or cancelled with their drafts closed, kept and visible."""
    unfinished = db.session.scalars(
        select(Assignment).where(
            Assignment.rule_id == rule.id,
            Assignment.status == "open",
            Assignment.cycle_run_id.is_not(None),
            Assignment.cycle_run_id != run.id,
        )
    ).all()
    for assignment in unfinished:
        if rule.carry_over:
            assignment.due_at = due
            run.carried += 1
        else:
            assignment.status = "cancelled"
            evaluations.supersede_drafts(
                assignment,
                f"This draft was closed: its assignment ended with its review cycle "
                f"({rule.name}) on {run.period_end:%d %b %Y}. It is kept but not counted.",
                everyone=True,
            )
            run.cancelled += 1


# --- a lead swaps one contact for another -------------------------------------


def period_of(assignment: Assignment) -> Period | None:
    run = db.session.get(ReviewCycleRun, assignment.cycle_run_id or 0)
    return Period(run.period_start, run.period_end) if run else None


def swap_candidates(assignment: Assignment, interaction_id: int | None = None) -> list:
    """The agent's other contacts in the assignment's period and rule filters
    that nobody has taken: what the assignment may be swapped for."""
    period = period_of(assignment)
    rule = db.session.get(SamplingRule, assignment.rule_id or 0)
    if period is None or rule is None:
        return []
    query = (
        select(Interaction.id, Interaction.external_id, Interaction.started_at)
        .where(
            Interaction.id.in_(
                services.candidates_query(rule, period.end, period).with_only_columns(
                    Interaction.id
                )
            ),
            Interaction.agent_id == assignment.interaction.agent_id,
        )
        .order_by(Interaction.started_at, Interaction.id)
        .limit(200)
    )
    if interaction_id is not None:
        query = query.where(Interaction.id == interaction_id)
    return list(db.session.execute(query))


def swap(actor: User, assignment: Assignment, interaction_id: int | None) -> Assignment:
    """Cancel ``assignment`` and give its reviewer, due date and cycle the
    contact ``interaction_id`` instead: same agent, same period. ValueError
    (bad choice) or SwapConflictError (the assignment's state) with the reason."""
    if assignment.status != "open":
        raise SwapConflictError("Only open assignments can be swapped.")
    if assignment.cycle_run_id is None:
        raise SwapConflictError(
            "Only assignments made by a review cycle can be swapped: "
            "they have a period to choose another contact from."
        )
    if interaction_id is None:
        raise ValueError("Choose the contact to review instead.")
    if not swap_candidates(assignment, interaction_id):
        raise ValueError(
            "That contact cannot replace this one: choose another contact of the same "
            "agent, from the same period and the rule's filters, that nobody has taken."
        )
    cancelled = db.session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.status == "open")
        .values(status="cancelled"),
        execution_options={"synchronize_session": False},
    )
    if cancelled.rowcount != 1:
        db.session.rollback()
        raise SwapConflictError("This assignment was completed meanwhile; it cannot be swapped.")
    db.session.expire(assignment, ["status"])
    closed = evaluations.supersede_drafts(
        assignment,
        f"This draft was closed: {actor.name} swapped its contact for another on "
        f"{utcnow():%d %b %Y}. It is kept but not counted.",
        everyone=True,
    )
    replacement = Assignment(
        interaction_id=interaction_id,
        reviewer_id=assignment.reviewer_id,
        scorecard_version_id=assignment.scorecard_version_id,
        rule_id=assignment.rule_id,
        cycle_run_id=assignment.cycle_run_id,
        reason=assignment.reason,
        due_at=assignment.due_at,
        created_by_id=actor.id,
    )
    db.session.add(replacement)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValueError("That contact was assigned meanwhile; choose another.") from exc
    audit.record(
        actor,
        "assignment.swapped",
        "assignment",
        assignment.id,
        {"interaction_id": assignment.interaction_id},
        {
            "interaction_id": interaction_id,
            "replacement_id": replacement.id,
            "closed_drafts": closed,
        },
    )
    db.session.commit()
    return replacement


# --- goals ----------------------------------------------------------------------


class Progress:
    """Evaluations ``done`` against a ``goal``: what is left and the share done
    (the reviewer's week and each review cycle)."""

    done: int
    goal: int

    @property
    def left(self) -> int:
        return max(self.goal - self.done, 0)

    @property
    def percent(self) -> float:
        return min(self.done / self.goal * 100.0, 100.0) if self.goal > 0 else 100.0


@dataclass(frozen=True)
class CycleGoal(Progress):
    """A reviewer's evaluations on one cycle's assignments since the cycle
    began, against their goal for it."""

    rule_id: int
    rule_name: str
    frequency: str
    start: datetime
    end: datetime
    done: int
    goal: int


def goals_for(user: User, now: datetime) -> list[CycleGoal]:
    """One line per active recurring rule that gives ``user`` a goal. The cycle
    in progress is the period ``now`` is in (it works on the period before);
    counted are the user's counted evaluations on the rule's assignments
    submitted within it."""
    rules = db.session.scalars(
        select(SamplingRule)
        .where(SamplingRule.active.is_(True), SamplingRule.recurrence.is_not(None))
        .order_by(SamplingRule.name)
    ).all()
    goals = []
    for rule in rules:
        goal = int((rule.reviewer_goals or {}).get(str(user.id)) or 0)
        if goal <= 0:
            continue
        current = period_containing(recurrence_of(rule), now)
        done = db.session.scalar(
            select(func.count())
            .select_from(Evaluation)
            .join(Assignment, Assignment.id == Evaluation.assignment_id)
            .where(
                Evaluation.reviewer_id == user.id,
                Evaluation.counted,
                Assignment.rule_id == rule.id,
                Evaluation.submitted_at >= current.start,
                Evaluation.submitted_at < current.end,
            )
        )
        goals.append(
            CycleGoal(
                rule.id,
                rule.name,
                rule.recurrence,
                current.start,
                current.end,
                int(done or 0),
                goal,
            )
        )
    return goals
