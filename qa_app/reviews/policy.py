"""Who may see or change an evaluation. Routes call these so the rules live
in one place: agents only their own counted evaluations; calibration answers
only their author until the session is revealed (facilitator included).

The blind rule is ``sealed``: every reader (pages, exports, the API, the audit
trail, a person's data export) asks it, in Python for one evaluation, with
``sealed_ids`` for a batch, or as SQL through ``visible_clause``; the tests
hold the three together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, exists, or_

from qa_app.extensions import db
from qa_app.models import CalibrationParticipant, CalibrationSession, Evaluation, User
from qa_app.models.evaluation import CALIBRATION_KINDS, COUNTED_KINDS

STAFF = ("admin", "executive")
SEALED = "sealed until the reveal"  # what readers show instead of sealed content


def _session(evaluation: Evaluation) -> CalibrationSession | None:
    if evaluation.calibration_session_id is None:
        return None
    return db.session.get(CalibrationSession, evaluation.calibration_session_id)


def _revealed(session: CalibrationSession | None) -> bool:
    return session is not None and session.status != "open"


def sealed(viewer: User, evaluation: Evaluation) -> bool:
    """Whether what ``evaluation`` holds (answers, comments, total, even that
    it exists) is hidden from ``viewer``: calibration work before its
    session's reveal, seen by anyone but its author, facilitator and admins
    included. Counted evaluations are never sealed."""
    if evaluation.kind not in CALIBRATION_KINDS or evaluation.reviewer_id == viewer.id:
        return False
    return not _revealed(_session(evaluation))


def _revealed_clause() -> Any:
    return exists().where(
        CalibrationSession.id == Evaluation.calibration_session_id,
        CalibrationSession.status != "open",
    )


def sealed_clause(viewer: User) -> Any:
    """``sealed`` as SQL over ``Evaluation``."""
    return and_(
        Evaluation.kind.in_(CALIBRATION_KINDS),
        Evaluation.reviewer_id != viewer.id,
        ~_revealed_clause(),
    )


def sealed_ids(viewer: User, evaluation_ids: Iterable[int]) -> set[int]:
    """Which of these evaluations are sealed for ``viewer``, in one query
    (for readers that hold ids, such as audit events)."""
    ids = set(evaluation_ids)
    if not ids:
        return set()
    query = db.select(Evaluation.id).where(Evaluation.id.in_(ids), sealed_clause(viewer))
    return set(db.session.scalars(query))


def can_view(user: User, evaluation: Evaluation) -> bool:
    if evaluation.reviewer_id == user.id:
        return True
    if user.role == "agent":
        return evaluation.agent_id == user.id and evaluation.counted
    if sealed(user, evaluation):
        return False
    if evaluation.kind in CALIBRATION_KINDS:
        session = _session(evaluation)
        return user.role in STAFF or (session is not None and _participant(session, user))
    return user.role in (*STAFF, "reviewer")


def visible_clause(viewer: User) -> Any:
    """``can_view`` as SQL, for lists of submitted evaluations (the API, the
    interaction page): a list shows exactly the evaluations its links open."""
    if viewer.role == "agent":
        return and_(Evaluation.agent_id == viewer.id, Evaluation.counted)
    blind = and_(Evaluation.kind.in_(CALIBRATION_KINDS), ~sealed_clause(viewer))
    if viewer.role not in STAFF:
        took_part = exists().where(
            CalibrationParticipant.session_id == Evaluation.calibration_session_id,
            CalibrationParticipant.reviewer_id == viewer.id,
        )
        blind = and_(blind, took_part)
    return or_(Evaluation.kind.in_(COUNTED_KINDS), Evaluation.reviewer_id == viewer.id, blind)


def _participant(session: CalibrationSession, user: User) -> bool:
    return any(p.reviewer_id == user.id for p in session.participants)


def can_edit(user: User, evaluation: Evaluation) -> bool:
    """The author edits a draft or a submitted evaluation; an executive or
    admin may correct a submitted standard evaluation (audited). A superseded
    draft (its assignment went to someone else) is closed to everyone."""
    if evaluation.status == "superseded":
        return False
    if evaluation.kind in CALIBRATION_KINDS:
        session = _session(evaluation)
        return (
            evaluation.reviewer_id == user.id and session is not None and session.status == "open"
        )
    if evaluation.reviewer_id == user.id:
        return True
    return evaluation.status == "submitted" and user.role in STAFF
