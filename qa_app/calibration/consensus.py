"""After the reveal: discussion notes, the agreed answer per question, and
publishing that consensus as the interaction's official evaluation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import scorecards
from qa_app import audit
from qa_app.calibration.services import CalibrationError, is_facilitator, item
from qa_app.extensions import db
from qa_app.models import CalibrationNote, CalibrationSession, Evaluation, User, utcnow
from qa_app.notifications import notify
from qa_app.reports import rollups
from qa_app.reviews import evaluations


class StaleNotesError(CalibrationError):
    """The item's notes changed since the form was opened (another tab)."""


class AlreadyPublishedError(CalibrationError):
    def __init__(self, evaluation: Evaluation) -> None:
        super().__init__("The consensus of this interaction is already published.")
        self.evaluation = evaluation


def require(user: User, session: CalibrationSession) -> None:
    if not is_facilitator(user, session):
        raise CalibrationError("Only the facilitator records and publishes the consensus.")
    if session.status != "revealed":
        raise CalibrationError("Notes and consensus are recorded after the reveal.")


def notes(session: CalibrationSession) -> dict[tuple[int, str], CalibrationNote]:
    query = db.select(CalibrationNote).where(CalibrationNote.session_id == session.id)
    return {(n.interaction_id, n.question_key): n for n in db.session.scalars(query)}


def revision(session: CalibrationSession, interaction_id: int) -> str:
    """What the facilitator's form for an item was opened on: a digest of the
    item's saved notes and consensus answers. A save from a form opened on
    another revision would overwrite work it never showed, so it is refused."""
    saved = sorted(
        (key, n.note or "", json.dumps(n.consensus))
        for (iid, key), n in notes(session).items()
        if iid == interaction_id
    )
    return hashlib.sha256(json.dumps(saved).encode()).hexdigest()[:32]


def published(session: CalibrationSession) -> dict[int, Evaluation]:
    """Consensus evaluations of the session, by interaction id."""
    query = db.select(Evaluation).where(
        Evaluation.calibration_session_id == session.id, Evaluation.kind == "consensus"
    )
    return {e.interaction_id: e for e in db.session.scalars(query)}


def parse(question: scorecards.Question, raw: str | None) -> Any:
    """A consensus answer from the form: None when not chosen; ValueError if invalid."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if question.kind == "text":
        return raw[:8000]
    if raw == "na" and question.allow_na:
        return "na"
    allowed = {str(a): a for a in question.answers()}
    if raw not in allowed:
        raise ValueError(f"{raw!r} is not an answer of {question.key}")
    return allowed[raw]


def save(
    user: User,
    session: CalibrationSession,
    interaction_id: int,
    entries: Mapping[str, tuple[str, str | None]],
    opened_on: str,
) -> None:
    """Store (note, consensus answer as the form sent it) per question key.

    A consensus change is audited; nothing is stored if any entry is invalid,
    or if the item's notes changed since the form was opened on ``opened_on``
    (``revision``): StaleNotesError.
    """
    require(user, session)
    item(session, interaction_id)
    if interaction_id in published(session):
        raise CalibrationError("The consensus is published; it can no longer change here.")
    if opened_on != revision(session, interaction_id):
        raise StaleNotesError(
            "Not saved: these notes were changed in another tab since this page was opened. "
            "Your text is kept below; the saved notes are shown beside it. Reload to start "
            "from the saved notes, or copy what you need first."
        )
    card = evaluations.card_for(session.scorecard_version)
    existing = notes(session)
    keys = {q.key for q in card.questions()}
    parsed = {}
    for key, (text, raw) in entries.items():
        if key not in keys:
            raise CalibrationError(f"Unknown question {key}.")
        try:
            parsed[key] = (text, parse(card.question(key), raw))
        except ValueError as exc:
            raise CalibrationError(f"Not saved: {exc}.") from exc
    changed = {}
    for key, (text, consensus) in parsed.items():
        note = existing.get((interaction_id, key))
        if note is None:
            if not (text or "").strip() and consensus is None:
                continue
            note = CalibrationNote(
                session_id=session.id, interaction_id=interaction_id, question_key=key
            )
            db.session.add(note)
        if note.consensus != consensus:
            changed[key] = {"before": note.consensus, "after": consensus}
        note.note = (text or "").strip()[:8000]
        note.consensus = consensus
        note.updated_by_id = user.id
        note.updated_at = utcnow()
    if changed:
        audit.record(
            user,
            "calibration.consensus_recorded",
            "calibration_session",
            session.id,
            {
                "interaction_id": interaction_id,
                "consensus": {k: c["before"] for k, c in changed.items()},
            },
            {
                "interaction_id": interaction_id,
                "consensus": {k: c["after"] for k, c in changed.items()},
                "changes": changed,
            },
        )
    try:
        db.session.commit()
    except IntegrityError as exc:  # two facilitator tabs inserting the same note
        db.session.rollback()
        raise CalibrationError("These notes changed meanwhile; reload and try again.") from exc


def publish(user: User, session: CalibrationSession, interaction_id: int) -> Evaluation:
    """The consensus as the official evaluation of the interaction (kind
    consensus, by the facilitator, submitted, agent notified, audited).

    Refused while a required question has no consensus; publishing twice
    returns the first (AlreadyPublishedError), never a second evaluation.
    """
    require(user, session)
    target = item(session, interaction_id)
    already = published(session).get(interaction_id)
    if already is not None and already.status == "submitted":
        raise AlreadyPublishedError(already)
    card = evaluations.card_for(session.scorecard_version)
    recorded = notes(session)
    answers = {
        q.key: recorded[(interaction_id, q.key)].consensus
        for q in card.questions()
        if (interaction_id, q.key) in recorded
        and recorded[(interaction_id, q.key)].consensus is not None
    }
    result = scorecards.score(card, answers)
    if not result.complete:
        texts = [card.question(k).text for k in result.missing_required]
        raise CalibrationError(
            "Record a consensus for every question first; missing: " + "; ".join(texts) + "."
        )
    evaluation = evaluations.start(
        user,
        target.interaction,
        session.scorecard_version,
        kind="consensus",
        calibration_session_id=session.id,
    )
    if evaluation.status == "submitted":  # a concurrent publish won
        raise AlreadyPublishedError(evaluation)
    rollup = rollups.track(db.session, [evaluation])  # a draft until submitted below
    before = {"session_id": session.id, **evaluations.snapshot(evaluation)}
    evaluations.apply_answers(evaluation, answers)
    evaluation.comment = f"Consensus of calibration session “{session.title}”."
    evaluation.status, evaluation.submitted_at = "submitted", utcnow()
    interaction = target.interaction
    notify(
        evaluation.agent_id,
        "evaluation",
        f"New evaluation of your {interaction.channel} of {interaction.started_at:%d %b}",
        link=f"/feedback/evaluations/{evaluation.id}",
    )
    audit.record(
        user,
        "calibration.consensus_published",
        "evaluation",
        evaluation.id,
        before,
        {"session_id": session.id, **evaluations.snapshot(evaluation)},
    )
    try:
        rollup.settle()  # the official evaluation reaches the report roll-ups
        db.session.commit()
    except StaleDataError as exc:  # a concurrent publish submitted it first
        db.session.rollback()
        raise AlreadyPublishedError(published(session)[interaction_id]) from exc
    return evaluation
