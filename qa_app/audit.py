"""Writing audit events. Services call ``record`` inside their transaction so
the event commits or rolls back together with the change it describes."""

from __future__ import annotations

from typing import Any

from qa_app.extensions import db
from qa_app.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
