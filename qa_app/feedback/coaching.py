"""Coaching sessions: a coach links an agent's evaluations and focus questions
to notes and action items; the agent acknowledges; the coach ticks items off.

Who sees a session: the agent it is for, the coach who runs it, and every
executive. Anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy.orm import joinedload

from qa_app import audit, locks
from qa_app.extensions import db
from qa_app.feedback.services import FeedbackError
from qa_app.models import (
    CoachingItem,
    CoachingSession,
    Evaluation,
    Interaction,
    Notification,
    User,
    utcnow,
)
from qa_app.notifications import notify
from qa_app.reviews import evaluations

COACHES = ("executive", "reviewer")
ITEM_DUE = "coaching_item_due"


def visible_session(user: User, session_id: int) -> CoachingSession:
    session = db.session.get(CoachingSession, session_id)
    if session is None or not _may_see(user, session):
        abort(404)
    return session


def _may_see(user: User, session: CoachingSession) -> bool:
    if user.role == "executive":
        return True
    return user.id in (session.agent_id, session.coach_id)


def may_manage(user: User, session: CoachingSession) -> bool:
    """The coach of the session, or any executive, ticks items off and closes it."""
    return user.role == "executive" or (user.role in COACHES and user.id == session.coach_id)


def sessions_for(user: User) -> list[CoachingSession]:
    query = db.select(CoachingSession).order_by(
        CoachingSession.held_on.desc(), CoachingSession.id.desc()
    )
    if user.role == "agent":
        query = query.where(CoachingSession.agent_id == user.id)
    elif user.role != "executive":
        query = query.where(CoachingSession.coach_id == user.id)
    return list(db.session.scalars(query.limit(200)))


def agents() -> list[User]:
    return list(
        db.session.scalars(
            db.select(User).where(User.role == "agent", User.active.is_(True)).order_by(User.name)
        )
    )


# The lists name each evaluation by its contact's channel and day: load those
# with the evaluations, not one query per row (and never the transcript).
WITH_CONTACT = joinedload(Evaluation.interaction).load_only(
    Interaction.channel, Interaction.started_at
)


def agent_evaluations(agent: User, limit: int = 50) -> list[Evaluation]:
    """The agent's submitted, counted evaluations a session can link, newest first."""
    return list(
        db.session.scalars(
            db.select(Evaluation)
            .where(Evaluation.agent_id == agent.id, Evaluation.counted)
            .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())
            .limit(limit)
            .options(WITH_CONTACT)
        )
    )


def question_choices(items: Sequence[Evaluation]) -> list[tuple[str, str]]:
    """(key, text) of every scored question of these evaluations' versions."""
    seen: dict[str, str] = {}
    versions = {e.scorecard_version_id: e.scorecard_version for e in items}
    for _, version in sorted(versions.items(), reverse=True):  # newest version's text wins
        for q in evaluations.card_for(version).questions():
            if q.kind != "text":
                seen.setdefault(q.key, q.text)
    return sorted(seen.items(), key=lambda kv: kv[1].lower())


@dataclass(frozen=True)
class NewItem:
    text: str
    due_on: date | None = None


@dataclass(frozen=True)
class SessionRequest:
    agent_id: int
    evaluation_ids: Sequence[int]
    focus_questions: Sequence[str]
    held_on: date
    notes: str = ""
    follow_up_on: date | None = None
    items: Sequence[NewItem] = ()


def create(coach: User, request: SessionRequest) -> CoachingSession:
    agent = db.session.get(User, request.agent_id)
    if agent is None or agent.role != "agent":
        raise FeedbackError("Choose an agent.", {"agent_id": "Choose an agent."})
    own = {e.id: e for e in agent_evaluations(agent, limit=500)}
    chosen = [own[i] for i in request.evaluation_ids if i in own]
    errors: dict[str, str] = {}
    if not chosen or len(chosen) != len(set(request.evaluation_ids)):
        errors["evaluation_ids"] = "Choose one or more of this agent's evaluations."
    allowed = {key for key, _ in question_choices(chosen)}
    if not request.focus_questions or not set(request.focus_questions) <= allowed:
        errors["focus_questions"] = "Choose focus questions from the chosen evaluations."
    if request.follow_up_on and request.follow_up_on < request.held_on:
        errors["follow_up_on"] = "The follow-up comes after the session."
    if errors:
        raise FeedbackError("Please correct the session.", errors)
    # A double click on "Create" posts the same session twice: the second
    # answers with the first rather than counting the coaching twice. The
    # lock makes check-then-insert safe when both arrive at once.
    locks.hold("feedback.coaching_create", agent.id)
    twin = _identical(coach, agent, request, chosen)
    if twin is not None:
        return twin
    session = CoachingSession(
        agent_id=agent.id,
        coach_id=coach.id,
        held_on=request.held_on,
        focus_questions=list(dict.fromkeys(request.focus_questions)),
        notes=request.notes.strip(),
        follow_up_on=request.follow_up_on,
        evaluations=chosen,
        items=[CoachingItem(text=i.text.strip(), due_on=i.due_on) for i in request.items],
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        coach,
        "coaching.created",
        "coaching_session",
        session.id,
        None,
        {"agent_id": agent.id, "evaluations": [e.id for e in chosen]},
    )
    notify(
        agent.id,
        "coaching",
        f"Coaching session with {coach.name} on {request.held_on:%d %b %Y}",
        link=f"/feedback/coaching/{session.id}",
    )
    db.session.commit()
    return session


def _identical(
    coach: User, agent: User, request: SessionRequest, chosen: Sequence[Evaluation]
) -> CoachingSession | None:
    """An open session of ``coach`` with ``agent`` holding exactly what
    ``request`` asks for (evaluations, focus, date, notes, follow-up, items)."""
    query = db.select(CoachingSession).where(
        CoachingSession.agent_id == agent.id,
        CoachingSession.coach_id == coach.id,
        CoachingSession.held_on == request.held_on,
        CoachingSession.status == "open",
    )
    wanted = (
        sorted(e.id for e in chosen),
        list(dict.fromkeys(request.focus_questions)),
        request.notes.strip(),
        request.follow_up_on,
        [(i.text.strip(), i.due_on) for i in request.items],
    )
    for found in db.session.scalars(query):
        held = (
            sorted(e.id for e in found.evaluations),
            list(found.focus_questions),
            found.notes,
            found.follow_up_on,
            [(i.text, i.due_on) for i in found.items],
        )
        if held == wanted:
            return found
    return None


def acknowledge(agent: User, session: CoachingSession, comment: str = "") -> None:
    """The agent confirms the session; a comment may be added or updated later."""
    if session.agent_id != agent.id:
        abort(404)
    if session.acknowledged_at is None:
        session.acknowledged_at = utcnow()
    if comment.strip():
        session.agent_comment = comment.strip()
    db.session.commit()


def mark_done(user: User, session: CoachingSession, item_id: int) -> CoachingItem:
    item = db.session.get(CoachingItem, item_id)
    if item is None or item.session_id != session.id:
        abort(404)
    if item.done_at is None:  # idempotent: a second click keeps the first time
        item.done_at, item.done_by_id = utcnow(), user.id
        db.session.commit()
    return item


def close(user: User, session: CoachingSession) -> None:
    if session.status != "closed":
        session.status = "closed"
        audit.record(user, "coaching.closed", "coaching_session", session.id, None, None)
        db.session.commit()


def remind_due(today: date, agent_id: int | None = None) -> int:
    """Notify agents of open action items due on or before ``today``, once per
    item (the notification's link names the item, so a second run finds it).
    Run by ``flask feedback remind`` and, for the signed-in agent, whenever the
    inbox opens. Returns the number of notifications created."""
    query = (
        db.select(CoachingItem, CoachingSession)
        .join(CoachingSession, CoachingSession.id == CoachingItem.session_id)
        .where(
            CoachingItem.done_at.is_(None),
            CoachingItem.due_on.is_not(None),
            CoachingItem.due_on <= today,
            CoachingSession.status == "open",
        )
    )
    if agent_id is not None:
        query = query.where(CoachingSession.agent_id == agent_id)
    rows = db.session.execute(query).all()
    if not rows:
        return 0
    # Two workers (an agent's two tabs, the inbox and the cron command) must
    # not both find an item unsent and both notify: check and insert under a
    # database lock.
    locks.hold("feedback.remind")
    links = {_item_link(item): (item, session) for item, session in rows}
    sent = set(
        db.session.scalars(
            db.select(Notification.link).where(
                Notification.kind == ITEM_DUE, Notification.link.in_(list(links))
            )
        )
    )
    created = 0
    for link, (item, session) in links.items():
        if link in sent:
            continue
        notify(
            session.agent_id, ITEM_DUE, f"Action item due {item.due_on:%d %b}: {item.text}", link
        )
        created += 1
    db.session.commit()
    return created


def _item_link(item: CoachingItem) -> str:
    return f"/feedback/coaching/{item.session_id}#item-{item.id}"
