"""Delivering queued webhook events: signed POSTs, retried with a doubling
delay, each outcome recorded (status, response code, the first 2 kB of the
response). An endpoint that has failed for WEBHOOK_PAUSE_AFTER_HOURS without a
success in between is paused and its owner is told in the app.

``now`` is the clock every decision reads; tests pass their own.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from huey import crontab

from qa_app import outbox
from qa_app.extensions import db
from qa_app.jobs import queue
from qa_app.models import WebhookDelivery, WebhookEndpoint, utcnow
from qa_app.notifications import notify
from qa_app.webhooks import addresses, signing
from qa_app.webhooks.events import DELIVER_TASK

KEEP_RESPONSE = 2048


class _Http(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a fresh lookup."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _Https(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to ``url`` after the address check; (status, response head)."""
    cfg = current_app.config
    scheme, host, port, address = addresses.vet(url, bool(cfg["WEBHOOK_ALLOW_PRIVATE"]))
    split = urlsplit(url)
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    kind = _Https if scheme == "https" else _Http
    connection = kind(host, port, address, float(cfg["WEBHOOK_TIMEOUT"]))
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        head = response.read(KEEP_RESPONSE).decode(errors="replace")
        return response.status, head
    finally:
        connection.close()


def deliver_due(now: datetime | None = None) -> int:
    """Attempt every due delivery of an active endpoint; the number that succeeded."""
    now = now or utcnow()
    active = db.select(WebhookEndpoint.id).where(WebhookEndpoint.paused_at.is_(None))
    delivered = 0
    for row_id in outbox.due_ids(WebhookDelivery, now, WebhookDelivery.endpoint_id.in_(active)):
        row = outbox.claim(WebhookDelivery, row_id, now)
        if row is not None:
            delivered += attempt(row, now)
    return delivered


queue.task(DELIVER_TASK)(deliver_due)
queue.task("webhooks.sweep", schedule=lambda app: crontab(minute="*"))(deliver_due)


def attempt(row: WebhookDelivery, now: datetime) -> bool:
    """One signed POST of ``row`` (claimed); the outcome recorded and committed."""
    endpoint = row.endpoint
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "QA-Platform-Webhooks/1",
        "X-QA-Event": row.kind,
        "X-QA-Delivery": str(row.id),
        **signing.headers(endpoint.secret, timestamp, row.body),
    }
    row.response_code, row.response_body = None, ""
    try:
        code, head = post(endpoint.url, row.body, headers)
    except addresses.UnsafeAddressError as exc:  # refused for good: no retry helps
        row.status, row.error, row.finished_at = "failed", f"Refused: {exc}", now
    except (OSError, http.client.HTTPException) as exc:
        _retry(row, now, f"{type(exc).__name__}: {exc}")
    else:
        row.response_code, row.response_body = code, head
        if 200 <= code < 300:
            row.status, row.error, row.finished_at = "sent", "", now
        else:
            _retry(row, now, f"HTTP {code}")
    if row.status == "sent":
        endpoint.failing_since = None
    else:
        _failed(endpoint, now)
    db.session.commit()
    return row.status == "sent"


def _retry(row: WebhookDelivery, now: datetime, reason: str) -> None:
    cfg = current_app.config
    outbox.retry_or_fail(
        row, now, reason, int(cfg["WEBHOOK_MAX_ATTEMPTS"]), float(cfg["WEBHOOK_RETRY_SECONDS"])
    )
    if row.status == "failed":
        row.finished_at = now


def _failed(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Count a failure; pause the endpoint after a day of nothing but failures."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        return
    hours = float(current_app.config["WEBHOOK_PAUSE_AFTER_HOURS"])
    if endpoint.paused_at is None and now - endpoint.failing_since >= timedelta(hours=hours):
        since = f"{endpoint.failing_since:%d %b %Y %H:%M} UTC"
        pause(endpoint, now, f"Every delivery failed since {since}.")


def pause(endpoint: WebhookEndpoint, now: datetime, reason: str) -> None:
    """Stop delivering to ``endpoint``; what was still queued fails (replayable)
    and its owner is told. The caller commits."""
    endpoint.paused_at, endpoint.paused_reason = now, reason
    db.session.execute(
        db.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "queued")
        .values(status="failed", error="Not sent: the endpoint was paused.", finished_at=now),
        execution_options={"synchronize_session": False},
    )
    notify(
        endpoint.owner_id,
        "webhook",
        f"Webhook endpoint paused: {endpoint.url}",
        link=f"/admin/webhooks/{endpoint.id}",
        body=reason + " Fix the receiver, then resume it and replay what it missed.",
    )


def resume(endpoint: WebhookEndpoint) -> None:
    endpoint.paused_at, endpoint.paused_reason, endpoint.failing_since = None, "", None


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """The same event (same id and body) queued again for its endpoint. The caller commits."""
    again = WebhookDelivery(
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        kind=delivery.kind,
        body=delivery.body,
        replay_of_id=delivery.id,
    )
    db.session.add(again)
    queue.kick(DELIVER_TASK, delay=float(current_app.config.get("MAIL_KICK_DELAY", 2)))
    return again
