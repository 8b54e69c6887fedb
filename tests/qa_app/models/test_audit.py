"""The audit trail is append-only: the ORM refuses to change or delete an event,
and so does the database itself, whatever client asks."""

import pytest
import sqlalchemy as sa

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import AuditEvent


def _event(users) -> AuditEvent:
    event = audit.record(users["admin"], "user.updated", "user", 1, {"a": 1}, {"a": 2})
    db.session.commit()
    return event


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(users):
    event = _event(users)
    event.action = "nothing.happened"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "user.updated"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'nothing.happened' WHERE id = :id",
        "UPDATE audit_events SET after = NULL",
        "DELETE FROM audit_events WHERE id = :id",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_updates_and_deletes(users, statement):
    event = _event(users)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text(statement), {"id": event.id})
    db.session.expire_all()
    kept = db.session.get(AuditEvent, event.id)
    assert (kept.action, kept.after) == ("user.updated", {"a": 2})


def test_new_events_can_still_be_added(users):
    _event(users)
    _event(users)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2
