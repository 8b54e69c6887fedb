"""Writing audit events, and the one rule for reading their content.

Services call ``record`` inside their transaction so the event commits or
rolls back together with the change it describes. Readers (the audit page,
its CSV, a person's data export) ask ``sealed`` which events' before/after
they must not show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qa_app.extensions import db
from qa_app.models import AuditEvent, User
from qa_app.reviews import policy


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


def sealed(viewer: User, events: Iterable[AuditEvent]) -> set[int]:
    """Ids of the events whose before/after ``viewer`` may not read yet: those
    about an evaluation ``policy.sealed`` hides from them (calibration work
    before its reveal). Who, when and what action stay readable.

    Sealed when read rather than left out when written: the trail is
    append-only, so an event cannot be completed at the reveal, and writing
    the content only then would lose the edits made before it (every change
    to a submitted evaluation is audited). Reading through one rule also
    covers events written before the rule existed, with no data migration.
    """
    about = {e.id: e.entity_id for e in events if e.entity_type == "evaluation" and e.entity_id}
    hidden = policy.sealed_ids(viewer, about.values())
    return {event_id for event_id, evaluation_id in about.items() if evaluation_id in hidden}
