"""Who may see or change an evaluation. Routes call these so the rules live
in one place: agents only their own counted evaluations; calibration answers
only their author until the session is revealed (facilitator included)."""

from __future__ import annotations

from qa_app.extensions import db
from qa_app.models import CalibrationSession, Evaluation, User

COUNTED_KINDS = ("standard", "consensus")
STAFF = ("admin", "executive")


def _session(evaluation: Evaluation) -> CalibrationSession | None:
    if evaluation.calibration_session_id is None:
        return None
    return db.session.get(CalibrationSession, evaluation.calibration_session_id)


def can_view(user: User, evaluation: Evaluation) -> bool:
    if evaluation.reviewer_id == user.id:
        return True
    if user.role == "agent":
        return (
            evaluation.agent_id == user.id
            and evaluation.status == "submitted"
            and evaluation.kind in COUNTED_KINDS
        )
    if evaluation.kind in ("calibration", "benchmark"):
        session = _session(evaluation)
        revealed = session is not None and session.status != "open"
        if not revealed:
            return False
        return user.role in STAFF or _participant(session, user)
    return user.role in (*STAFF, "reviewer")


def _participant(session: CalibrationSession, user: User) -> bool:
    return any(p.reviewer_id == user.id for p in session.participants)


def can_edit(user: User, evaluation: Evaluation) -> bool:
    """The author edits a draft or a submitted evaluation; an executive or
    admin may correct a submitted standard evaluation (audited). A superseded
    draft (its assignment went to someone else) is closed to everyone."""
    if evaluation.status == "superseded":
        return False
    if evaluation.kind in ("calibration", "benchmark"):
        session = _session(evaluation)
        return (
            evaluation.reviewer_id == user.id and session is not None and session.status == "open"
        )
    if evaluation.reviewer_id == user.id:
        return True
    return evaluation.status == "submitted" and user.role in STAFF
