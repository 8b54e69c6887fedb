"""The flagged queue: interactions by risk, sending one to review, and the
reviewers' confirm/dismiss answers (which ``frames`` turns into labels)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from qa_app import audit
from qa_app.extensions import db
from qa_app.flags import flagged
from qa_app.flags.services import FlagServiceError
from qa_app.models import Assignment, Flag, Interaction, User, utcnow
from qa_app.models.flags import FLAG_REVIEWS
from qa_app.notifications import notify
from qa_app.reviews.services import REVIEWER_ROLES, latest_version, reviewable_scorecards

PER_PAGE = 50
DUE_DAYS = 3


@dataclass(frozen=True)
class Filters:
    target: str | None = None
    team_id: int | None = None
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_probability: float | None = None
    unreviewed: bool = False


@dataclass(frozen=True)
class Row:
    interaction: Interaction
    risk: float
    flags: list[Flag]
    open_assignment: Assignment | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # flagged interactions matching the filters
    page: int
    pages: int
    scored: int = 0  # interactions the active models scored, in the same scope
    cuts: tuple[flagged.Cut, ...] = ()

    @property
    def budgets(self) -> list[float]:
        """The distinct review budgets of the active models, for the page's summary."""
        return sorted({cut.budget for cut in self.cuts})


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _scope(filters: Filters) -> list[Any]:
    """Conditions on the interaction (team, channel, dates)."""
    conditions: list[Any] = []
    if filters.team_id:
        conditions.append(Interaction.team_id == filters.team_id)
    if filters.channel:
        conditions.append(Interaction.channel == filters.channel)
    if filters.date_from:
        conditions.append(Interaction.started_at >= _utc(filters.date_from))
    if filters.date_to:
        conditions.append(Interaction.started_at < _utc(filters.date_to + timedelta(days=1)))
    return conditions


def _flag_conditions(filters: Filters, limits: list[flagged.Cut]) -> list[Any]:
    """Conditions on the flag: a flag (``flagged``) matching the flag filters."""
    conditions: list[Any] = [flagged.condition(limits)]
    if filters.min_probability is not None:
        conditions.append(Flag.probability >= filters.min_probability)
    if filters.unreviewed:
        conditions.append(Flag.review.is_(None))
    return conditions


def queue(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Flagged interactions (``flagged``: above the active model's threshold, within
    its budget) matching ``filters``, highest risk (the largest flagged probability)
    first, with how many the active models scored in the same scope."""
    limits = flagged.cuts(filters.target)
    scope = _scope(filters)
    risk = (
        select(Flag.interaction_id, func.max(Flag.probability).label("risk"))
        .join(Interaction, Interaction.id == Flag.interaction_id)
        .where(*_flag_conditions(filters, limits), *scope)
        .group_by(Flag.interaction_id)
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(risk)) or 0
    scored = _scored(limits, scope)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    found = db.session.execute(
        select(Interaction, risk.c.risk)
        .join(risk, risk.c.interaction_id == Interaction.id)
        .options(selectinload(Interaction.agent), selectinload(Interaction.team))
        .order_by(risk.c.risk.desc(), Interaction.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [interaction.id for interaction, _ in found]
    flags: dict[int, list[Flag]] = {}
    for flag in db.session.scalars(
        select(Flag)
        .where(Flag.interaction_id.in_(ids), Flag.model_id.in_([c.model_id for c in limits]))
        .order_by(Flag.probability.desc())
    ):
        flags.setdefault(flag.interaction_id, []).append(flag)
    open_ones = select(Assignment).where(
        Assignment.interaction_id.in_(ids), Assignment.status == "open"
    )
    assigned = {a.interaction_id: a for a in db.session.scalars(open_ones)}
    rows = [
        Row(interaction, float(value), flags.get(interaction.id, []), assigned.get(interaction.id))
        for interaction, value in found
    ]
    return Page(rows, total, page, pages, scored, tuple(limits))


def _scored(limits: list[flagged.Cut], scope: list[Any]) -> int:
    """Interactions the active models scored, in the scope. Unfiltered, the largest
    of the figures stored with the cuts: scoring runs every active model over the
    same interactions (``services.score``), so that is the number scored, and a
    model activated later that has not scored the older ones yet does not lower
    it. A filtered scope (team, channel, dates) is counted."""
    if not scope:
        return max((cut.scored for cut in limits), default=0)
    return (
        db.session.scalar(
            select(func.count(func.distinct(Flag.interaction_id)))
            .join(Interaction, Interaction.id == Flag.interaction_id)
            .where(Flag.model_id.in_([cut.model_id for cut in limits]), *scope)
        )
        or 0
    )


def open_assignment(interaction_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment).where(
            Assignment.interaction_id == interaction_id, Assignment.status == "open"
        )
    )


def send_to_review(
    actor: User, interaction: Interaction, scorecard_id: int | None, reviewer_id: int | None
) -> Assignment:
    """Create a 'flagged' assignment on the latest version of a published
    scorecard for a chosen reviewer (never the agent of the interaction), unless
    the interaction already has an open assignment."""
    existing = open_assignment(interaction.id)
    if existing is not None:
        raise FlagServiceError(_already(interaction, existing))
    card = next((c for c in reviewable_scorecards() if c.id == scorecard_id), None)
    version = latest_version(card.id) if card else None
    if version is None:
        raise FlagServiceError("Choose a published scorecard.")
    reviewer = db.session.get(User, reviewer_id or 0)
    if reviewer is None or reviewer.role not in REVIEWER_ROLES or not reviewer.active:
        raise FlagServiceError("Choose an active reviewer or executive.")
    if reviewer.id == interaction.agent_id:
        raise FlagServiceError("A reviewer cannot review their own interaction.")
    assignment = Assignment(
        interaction_id=interaction.id,
        reviewer_id=reviewer.id,
        scorecard_version_id=version.id,
        reason="flagged",
        due_at=utcnow() + timedelta(days=DUE_DAYS),
        created_by_id=actor.id,
    )
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError as exc:  # someone assigned it a moment ago
        db.session.rollback()
        raise FlagServiceError(_already(interaction, open_assignment(interaction.id))) from exc
    audit.record(
        actor,
        "assignment.created",
        "assignment",
        assignment.id,
        None,
        {"interaction_id": interaction.id, "reviewer_id": reviewer.id, "reason": "flagged"},
    )
    notify(
        reviewer.id,
        "assignment",
        f"Flagged interaction {interaction.external_id} to review",
        link="/reviews/",
    )
    db.session.commit()
    return assignment


def _already(interaction: Interaction, existing: Assignment | None) -> str:
    who = f" ({existing.reviewer.name})" if existing is not None else ""
    return (
        f"Interaction {interaction.external_id} already has an open assignment{who}; "
        "it was not sent again."
    )


def review_flag(actor: User, flag: Flag, decision: str) -> None:
    """A reviewer confirms or dismisses a flag. The answer becomes the label of
    this interaction for the flag's target at the next training (``frames``)."""
    if decision not in FLAG_REVIEWS:
        raise FlagServiceError("Choose confirm or dismiss.")
    before = {"review": flag.review, "reviewed_by_id": flag.reviewed_by_id}
    flag.review = decision
    flag.reviewed_by_id = actor.id
    flag.reviewed_at = utcnow()
    audit.record(
        actor, "flag.reviewed", "flag", flag.id, before, {"review": decision, "target": flag.target}
    )
    db.session.commit()
