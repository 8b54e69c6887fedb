"""Subject export: everything the platform holds about one person, as one JSON file.

Serves the right of access: an agent downloads their own copy, an admin can
produce it on their behalf. The content is what the person may see in the
application: submitted evaluations of their work (standard and consensus; drafts
and blind calibration answers are reviewers' work in progress, not findings about
the agent) with every answer, disputes with decisions, coaching sessions and
items, acknowledgements, notifications, the interactions they handled (without
transcripts: those are the customers' data) and the audit events about them or
made by them. The export itself is audited. Whoever downloads it (the person,
or an admin on their behalf) reads each audit event as the audit page would
show it to them: calibration work stays sealed until its reveal (``audit.sealed``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import (
    AuditEvent,
    CoachingSession,
    Dispute,
    Evaluation,
    Interaction,
    Notification,
    User,
    utcnow,
)
from qa_app.recordings import retention as recording_retention
from qa_app.reviews.policy import SEALED

FORMAT_VERSION = 1


def subject_data(subject: User, reader: User | None = None) -> dict[str, Any]:
    """The person's data as plain JSON-ready structures, as ``reader`` (by
    default the person) may read it."""
    evaluations = db.session.scalars(
        db.select(Evaluation)
        .where(Evaluation.agent_id == subject.id, Evaluation.counted)
        .order_by(Evaluation.submitted_at, Evaluation.id)
    ).all()
    disputes = db.session.scalars(
        db.select(Dispute).where(Dispute.agent_id == subject.id).order_by(Dispute.id)
    ).all()
    coaching = db.session.scalars(
        db.select(CoachingSession)
        .where(CoachingSession.agent_id == subject.id)
        .order_by(CoachingSession.held_on, CoachingSession.id)
    ).all()
    notifications = db.session.scalars(
        db.select(Notification).where(Notification.user_id == subject.id).order_by(Notification.id)
    ).all()
    interactions = db.session.scalars(
        db.select(Interaction)
        .where(Interaction.agent_id == subject.id)
        .order_by(Interaction.started_at, Interaction.id)
    ).all()
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == subject.id,
                (AuditEvent.entity_type == "user") & (AuditEvent.entity_id == subject.id),
            )
        )
        .order_by(AuditEvent.id)
    ).all()
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "person": _person(subject),
        "evaluations": [_evaluation(e) for e in evaluations],
        "disputes": [_dispute(d) for d in disputes],
        "coaching_sessions": [_coaching(c) for c in coaching],
        "notifications": [
            _fields(n, "id", "kind", "title", "body", "link", "created_at", "read_at")
            for n in notifications
        ],
        "interactions": [
            _fields(i, "id", "source", "external_id", "channel", "started_at")
            | _fields(i, "duration_seconds", "csat", "escalated", "purged_at")
            for i in interactions
        ],
        "recordings": recording_retention.of_agent(subject),
        "audit_events": _events(events, subject, reader or subject),
    }


def export_subject(actor: User, subject: User) -> tuple[str, bytes]:
    """``(file name, JSON bytes)``; audited as ``subject.exported`` and committed."""
    data = subject_data(subject, actor)
    counts = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    audit.record(actor, "subject.exported", "user", subject.id, None, {"counts": counts})
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=_default).encode("utf-8")
    return f"my-data-{subject.id}-{utcnow():%Y%m%d}.json", body


def _events(events: Sequence[AuditEvent], subject: User, reader: User) -> list[dict[str, Any]]:
    hidden = audit.sealed(reader, events)
    out = []
    for a in events:
        row = _fields(a, "id", "at", "action", "entity_type", "entity_id", "before", "after")
        if a.id in hidden:
            row |= {"before": None, "after": None}
        row["by_this_person"] = a.actor_id == subject.id
        row["sealed"] = SEALED if a.id in hidden else None
        out.append(row)
    return out


def _person(user: User) -> dict[str, Any]:
    fields = _fields(user, "id", "email", "name", "role", "active", "hired_on", "created_at")
    return fields | {"team": user.team.name if user.team else None}


def _evaluation(e: Evaluation) -> dict[str, Any]:
    version = e.scorecard_version
    return _fields(e, "id", "kind", "total", "total_before_autofail", "auto_failed") | {
        "critical_families": list(e.critical_families or []),
        "scorecard": version.scorecard.name,
        "scorecard_version": version.number,
        "reviewer": e.reviewer.name,
        "interaction": _fields(e.interaction, "id", "external_id", "channel", "started_at"),
        "comment": e.comment,
        "submitted_at": e.submitted_at,
        "acknowledged_at": e.acknowledged_at,
        "acknowledgement_comment": e.acknowledgement_comment,
        "answers": [
            _fields(a, "question_key", "value", "earned", "possible", "comment") for a in e.answers
        ],
    }


def _dispute(d: Dispute) -> dict[str, Any]:
    fields = ("id", "evaluation_id", "status", "whole_evaluation", "reason", "created_at")
    decided = ("resolved_at", "outcome", "resolution_note", "total_before", "total_after")
    return (
        _fields(d, *fields)
        | _fields(d, *decided)
        | {
            "resolved_by": d.resolved_by.name if d.resolved_by else None,
            "items": [
                _fields(i, "question_key", "reason", "old_value", "decision", "new_value", "note")
                for i in d.items
            ],
        }
    )


def _coaching(c: CoachingSession) -> dict[str, Any]:
    fields = ("id", "held_on", "focus_questions", "notes", "follow_up_on", "status")
    return (
        _fields(c, *fields)
        | _fields(c, "acknowledged_at", "agent_comment", "created_at")
        | {
            "coach": c.coach.name,
            "evaluation_ids": [e.id for e in c.evaluations],
            "items": [_fields(i, "id", "text", "due_on", "done_at") for i in c.items],
        }
    )


def _fields(obj: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")
