"""The events other systems can hear about, and ``emit``: one line at the place
where the thing happens.

``emit`` adds one delivery per active endpoint that asked for the kind, in the
caller's transaction (the event is delivered exactly when what it reports was
committed), and asks a worker to deliver them a moment later.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import current_app

from qa_app.extensions import db
from qa_app.jobs import queue
from qa_app.models import WebhookDelivery, WebhookEndpoint, utcnow

DELIVER_TASK = "webhooks.deliver_due"

KINDS = {
    "evaluation.submitted": "Evaluation submitted",
    "dispute.opened": "Dispute opened",
    "dispute.decided": "Dispute decided",
    "calibration.revealed": "Calibration revealed",
    "flag.raised": "Flag raised (scoring found likely escalations or coaching needs)",
    "alert.raised": "Alert raised (reserved: no alerts are raised yet)",
    "import.finished": "Import finished",
}


def body_of(event_id: str, kind: str, payload: dict[str, Any]) -> str:
    """The exact bytes every endpoint receives (and a replay sends again)."""
    document = {"id": event_id, "kind": kind, "created_at": utcnow().isoformat(), "data": payload}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)


def emit(kind: str, payload: dict[str, Any]) -> int:
    """Queue ``kind`` with ``payload`` for every active endpoint listening; the
    number queued. The caller commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown webhook event {kind!r}")
    with db.session.no_autoflush:
        endpoints = [
            e
            for e in db.session.scalars(
                db.select(WebhookEndpoint).where(WebhookEndpoint.paused_at.is_(None))
            )
            if kind in (e.kinds or [])
        ]
    if not endpoints:
        return 0
    event_id = uuid.uuid4().hex
    body = body_of(event_id, kind, payload)
    for endpoint in endpoints:
        db.session.add(
            WebhookDelivery(endpoint_id=endpoint.id, event_id=event_id, kind=kind, body=body)
        )
    queue.kick(DELIVER_TASK, delay=float(current_app.config.get("MAIL_KICK_DELAY", 2)))
    return len(endpoints)
