"""The calibration workflow: create a session, score blind, reveal.

Who sees what (the blind rules, enforced here and by ``reviews.policy``):

* Answers: nobody, the facilitator included, sees anyone's answers before the
  reveal. ``policy.sealed`` is that rule: the evaluation pages, the interaction
  page, the API, the audit trail and its CSV, and a person's data export all
  read it; the CSV export of the session is refused while it is open.
* Progress (who has submitted): in a blind session only the facilitator sees
  it; each participant sees their own. In an open session participants see
  everyone's progress (never the answers).
* A session is seen by its facilitator, its participants, and admins and
  executives (who see neither answers before the reveal nor, when blind, who
  has submitted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, bindparam, func
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from qa_app import audit
from qa_app.calibration import results as results_module
from qa_app.extensions import db
from qa_app.models import (
    CalibrationItem,
    CalibrationParticipant,
    CalibrationSession,
    Evaluation,
    Interaction,
    Scorecard,
    ScorecardVersion,
    User,
    utcnow,
)
from qa_app.models.evaluation import CALIBRATION_KINDS
from qa_app.notifications import notify
from qa_app.reviews import evaluations
from qa_app.webhooks import payloads
from qa_app.webhooks.events import emit

MAX_ITEMS = 10
INVITABLE_ROLES = ("reviewer", "executive")
STAFF = ("admin", "executive")
MEMBERS = ("admin", "executive", "reviewer")  # who may open calibration (pages and API)
CLOSED = "This session has been revealed: answers are closed and late submissions are refused."


class CalibrationError(ValueError):
    """A refused action; the message is written for the page."""


# --- choices for the creation form -------------------------------------------------


def version_choices() -> list[tuple[int, str]]:
    """Versions of published, non-archived scorecards, the latest of each first."""
    query = (
        db.select(ScorecardVersion, Scorecard)
        .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
        .where(Scorecard.status == "published")
        .order_by(Scorecard.name, Scorecard.id, ScorecardVersion.number.desc())
    )
    choices, seen = [], set()
    for version, card in db.session.execute(query):
        latest = card.id not in seen
        seen.add(card.id)
        label = f"{card.name} — v{version.number}{' (latest)' if latest else ''}"
        choices.append((version.id, label))
    return choices


def invitable(facilitator: User) -> list[User]:
    query = (
        db.select(User)
        .where(User.active, User.role.in_(INVITABLE_ROLES), User.id != facilitator.id)
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def find_interactions(
    text: str = "", channel: str = "", team_id: int | None = None, limit: int = 50
) -> list[Interaction]:
    """Recent interactions for the picker, filtered by external id, channel, team."""
    query = db.select(Interaction).options(selectinload(Interaction.agent))
    if text.strip():
        query = query.where(Interaction.external_id.ilike(f"%{_like(text.strip())}%", escape="\\"))
    if channel:
        query = query.where(Interaction.channel == channel)
    if team_id:
        query = query.where(Interaction.team_id == team_id)
    query = query.order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def by_ids(ids: set[int]) -> list[Interaction]:
    if not ids:
        return []
    query = db.select(Interaction).where(Interaction.id.in_(ids)).order_by(Interaction.id)
    return list(db.session.scalars(query))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_interactions(ids: list[int], external_ids: str) -> list[Interaction]:
    """Picked ids plus typed external ids, in that order, without repeats.

    Refuses unknown or ambiguous external ids, and fewer than 1 or more than 10.
    """
    found = list(db.session.scalars(db.select(Interaction).where(Interaction.id.in_(ids))))
    by_id = {i.id: i for i in found}
    if len(by_id) != len(set(ids)):
        raise CalibrationError("Some of the picked interactions no longer exist.")
    chosen = [by_id[i] for i in dict.fromkeys(ids)]
    for ext in dict.fromkeys(t for t in re.split(r"[\s,;]+", external_ids or "") if t):
        matches = list(
            db.session.scalars(db.select(Interaction).where(Interaction.external_id == ext))
        )
        if not matches:
            raise CalibrationError(f"No interaction has the external id {ext}.")
        if len(matches) > 1:
            raise CalibrationError(
                f"External id {ext} matches {len(matches)} interactions from different "
                "sources: pick the one you mean from the list."
            )
        if matches[0].id not in {i.id for i in chosen}:
            chosen.append(matches[0])
    if not chosen:
        raise CalibrationError("Pick at least one interaction (at most 10).")
    if len(chosen) > MAX_ITEMS:
        raise CalibrationError(
            f"A session holds at most {MAX_ITEMS} interactions; {len(chosen)} were picked."
        )
    return chosen


def create(
    facilitator: User,
    *,
    title: str,
    version_id: int,
    interaction_ids: list[int],
    external_ids: str,
    reviewer_ids: list[int],
    deadline: datetime | None,
    blind: bool,
) -> CalibrationSession:
    """A new open session; invited reviewers are notified, the creation audited."""
    version = db.session.get(ScorecardVersion, version_id)
    if version is None or version.scorecard.status != "published":
        raise CalibrationError("Choose a version of a published scorecard.")
    interactions = resolve_interactions(interaction_ids, external_ids)
    reviewers = list(db.session.scalars(db.select(User).where(User.id.in_(reviewer_ids))))
    if not reviewers or len(reviewers) != len(set(reviewer_ids)):
        raise CalibrationError("Invite at least one reviewer.")
    if any(u.role not in INVITABLE_ROLES or not u.active for u in reviewers):
        raise CalibrationError("Only active reviewers and executives can be invited.")
    if facilitator.id in {u.id for u in reviewers}:
        raise CalibrationError("The facilitator scores the benchmark, not as a participant.")
    if deadline is not None and deadline <= utcnow():
        raise CalibrationError("The deadline must be in the future.")
    session = CalibrationSession(
        title=title.strip(),
        scorecard_version_id=version.id,
        facilitator_id=facilitator.id,
        blind=blind,
        deadline=deadline,
        status="open",
    )
    session.items = [
        CalibrationItem(interaction_id=i.id, position=n) for n, i in enumerate(interactions)
    ]
    session.participants = [CalibrationParticipant(reviewer_id=u.id) for u in reviewers]
    db.session.add(session)
    db.session.flush()
    for user in reviewers:
        notify(
            user.id,
            "calibration",
            f"Calibration session: {session.title}",
            link=f"/calibration/{session.id}",
            body=f"Score {len(interactions)} interaction(s) on {version.scorecard.name} "
            f"v{version.number}" + (f" by {deadline:%d %b %H:%M} UTC." if deadline else "."),
        )
    audit.record(
        facilitator,
        "calibration.created",
        "calibration_session",
        session.id,
        None,
        {
            "title": session.title,
            "scorecard_version_id": version.id,
            "interaction_ids": [i.id for i in interactions],
            "reviewer_ids": sorted(u.id for u in reviewers),
            "blind": blind,
            "deadline": deadline.isoformat() if deadline else None,
        },
    )
    db.session.commit()
    return session


# --- who may see and do what ---------------------------------------------------------


def is_facilitator(user: User, session: CalibrationSession) -> bool:
    return user.id == session.facilitator_id


def is_participant(user: User, session: CalibrationSession) -> bool:
    return any(p.reviewer_id == user.id for p in session.participants)


def can_see(user: User, session: CalibrationSession) -> bool:
    return user.role in STAFF or is_facilitator(user, session) or is_participant(user, session)


def sees_progress(user: User, session: CalibrationSession) -> bool:
    """Whether ``user`` may see who has submitted (blind: the facilitator only)."""
    if is_facilitator(user, session):
        return True
    return not session.blind and is_participant(user, session)


def can_reveal(user: User, session: CalibrationSession) -> bool:
    return is_facilitator(user, session) or user.role in STAFF


def visible_sessions(user: User) -> list[CalibrationSession]:
    query = db.select(CalibrationSession).order_by(CalibrationSession.created_at.desc())
    if user.role not in STAFF:
        query = query.join(CalibrationParticipant).where(
            CalibrationParticipant.reviewer_id == user.id
        )
    return list(db.session.scalars(query))


# --- progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Calibration evaluations of a session: (reviewer id, interaction id) -> evaluation."""

    session: CalibrationSession
    evaluations: dict[tuple[int, int], Evaluation]
    benchmarks: dict[int, Evaluation]

    def status(self, reviewer_id: int, interaction_id: int) -> str:
        evaluation = self.evaluations.get((reviewer_id, interaction_id))
        return "not started" if evaluation is None else evaluation.status

    def missing(self) -> list[tuple[User, int]]:
        """Participants with unsubmitted interactions, and how many."""
        out = []
        for p in sorted(self.session.participants, key=lambda p: (p.reviewer.name, p.id)):
            n = sum(
                self.status(p.reviewer_id, item.interaction_id) != "submitted"
                for item in self.session.items
            )
            if n:
                out.append((p.reviewer, n))
        return out

    def submitted_count(self) -> int:
        return sum(e.status == "submitted" for e in self.evaluations.values())


def progress(session: CalibrationSession) -> Progress:
    evals = db.session.scalars(
        db.select(Evaluation).where(
            Evaluation.calibration_session_id == session.id,
            Evaluation.kind.in_(CALIBRATION_KINDS),
        )
    )
    mine: dict[tuple[int, int], Evaluation] = {}
    keys: dict[int, Evaluation] = {}
    for e in evals:
        if e.kind == "benchmark":
            keys[e.interaction_id] = e
        else:
            mine[(e.reviewer_id, e.interaction_id)] = e
    return Progress(session, mine, keys)


def _pending_query() -> Select:
    done = (
        db.select(Evaluation.calibration_session_id, func.count().label("n"))
        .where(
            Evaluation.reviewer_id == bindparam("user_id"),
            Evaluation.kind == "calibration",
            Evaluation.status == "submitted",
        )
        .group_by(Evaluation.calibration_session_id)
        .subquery()
    )
    items = (
        db.select(CalibrationItem.session_id, func.count().label("n"))
        .group_by(CalibrationItem.session_id)
        .subquery()
    )
    return (
        db.select(CalibrationSession, items.c.n - func.coalesce(done.c.n, 0))
        .join(CalibrationParticipant, CalibrationParticipant.session_id == CalibrationSession.id)
        .join(items, items.c.session_id == CalibrationSession.id)
        .outerjoin(done, done.c.calibration_session_id == CalibrationSession.id)
        .where(
            CalibrationParticipant.reviewer_id == bindparam("user_id"),
            CalibrationSession.status == "open",
        )
        .order_by(CalibrationSession.deadline.is_(None), CalibrationSession.deadline)
        .order_by(CalibrationSession.id)
    )


# Built once: every reviewer's queue page asks, and building this statement
# cost more than running it (it usually finds nothing).
_PENDING = _pending_query()


def pending_for(user: User) -> list[tuple[CalibrationSession, int]]:
    """Open sessions where ``user`` still has interactions to submit, with how many."""
    rows = db.session.execute(_PENDING, {"user_id": user.id})
    return [(s, int(n)) for s, n in rows if n > 0]


# --- scoring -------------------------------------------------------------------------


def item(session: CalibrationSession, interaction_id: int) -> CalibrationItem:
    for candidate in session.items:
        if candidate.interaction_id == interaction_id:
            return candidate
    raise CalibrationError("That interaction is not part of this session.")


def start(user: User, session: CalibrationSession, interaction_id: int, kind: str) -> Evaluation:
    """The user's evaluation of one interaction of the session (get or create).

    kind "calibration": a participant's blind scoring; "benchmark": the
    facilitator's answer key. Both only while the session is open.
    """
    if session.status != "open":
        raise CalibrationError(CLOSED)
    if kind == "benchmark" and not is_facilitator(user, session):
        raise CalibrationError("Only the facilitator scores the benchmark.")
    if kind == "calibration" and not is_participant(user, session):
        raise CalibrationError("You are not a participant of this session.")
    target = item(session, interaction_id)
    return evaluations.start(
        user,
        target.interaction,
        session.scorecard_version,
        kind=kind,
        calibration_session_id=session.id,
    )


# --- reveal --------------------------------------------------------------------------


def reveal(user: User, session: CalibrationSession, now: datetime | None = None) -> None:
    """Reveal the answers: when everyone has submitted everything, or at/after the
    deadline. Computes and stores the statistics; audited; participants notified."""
    if not can_reveal(user, session):
        raise CalibrationError("Only the facilitator or an executive can reveal a session.")
    if session.status != "open":
        raise CalibrationError("This session has already been revealed.")
    now = now or utcnow()
    missing = progress(session).missing()
    if missing and (session.deadline is None or now < session.deadline):
        count = sum(n for _, n in missing)
        if is_facilitator(user, session):
            who = "; ".join(f"{u.name} ({n})" for u, n in missing)
            detail = f"still missing: {who}"
        else:  # blind: only the facilitator learns who has not submitted
            detail = f"{count} submission(s) from {len(missing)} reviewer(s) are still missing"
        when = ""
        if session.deadline is not None:
            when = f" or wait for the deadline ({session.deadline:%d %b %Y %H:%M} UTC)"
        raise CalibrationError(f"Not revealed: {detail}. Reveal when everyone has submitted{when}.")
    computed = results_module.compute(session, outlier_points=outlier_points())
    session.status = "revealed"
    session.revealed_at = now
    session.results = results_module.summary(computed) | {"revealed_at": now.isoformat()}
    audit.record(
        user,
        "calibration.revealed",
        "calibration_session",
        session.id,
        {"status": "open"},
        {
            "status": "revealed",
            "missing": [{"reviewer_id": u.id, "interactions": n} for u, n in missing],
        },
    )
    emit("calibration.revealed", payloads.calibration(session))
    for p in session.participants:
        notify(
            p.reviewer_id,
            "calibration",
            f"Calibration revealed: {session.title}",
            link=f"/calibration/{session.id}",
        )
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise CalibrationError("Someone changed this session meanwhile; reload the page.") from exc


def outlier_points() -> float:
    return float(current_app.config.get("CALIBRATION_OUTLIER_POINTS", 5.0))
