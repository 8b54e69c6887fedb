"""Webhooks deliver to a real HTTP server started here (127.0.0.1, so these
tests allow private addresses), signed with the endpoint's secret; failures
are retried with a doubling delay, a day of failures pauses the endpoint and
tells its owner, a delivery can be replayed; private addresses are refused
when not allowed."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa_app.extensions import db
from qa_app.models import Notification, WebhookDelivery, WebhookEndpoint, utcnow
from qa_app.webhooks import addresses, delivery
from qa_app.webhooks.events import emit
from tests.qa_app.helpers import post_form


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []  # answers in order; 200 once they run out

    def start(self) -> str:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"x" * 3000 if status >= 500 else b"thanks")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks?team=1"


@pytest.fixture
def receiver(app):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True, MAIL_KICK_DELAY=0, WEBHOOK_RETRY_SECONDS=30)
    box = Receiver()
    box.url = box.start()
    yield box
    box.server.shutdown()
    box.server.server_close()


@pytest.fixture
def endpoint(receiver, users):
    row = WebhookEndpoint(
        url=receiver.url,
        kinds=["evaluation.submitted", "import.finished"],
        secret="s3cret",
        owner_id=users["admin"].id,
    )
    db.session.add(row)
    db.session.commit()
    return row


def _signed(headers: dict, body: bytes, secret: str) -> bool:
    message = headers["X-QA-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-QA-Signature"])


def test_an_admin_registers_an_endpoint_and_events_arrive_signed_by_a_job(
    receiver, client_as, job_queue
):
    answer = post_form(client_as("admin"), "/admin/webhooks/",
                       {"url": receiver.url, "kinds": ["import.finished"]})  # fmt: skip
    assert answer.status_code == 302
    row = db.session.scalar(db.select(WebhookEndpoint))
    assert row.kinds == ["import.finished"] and len(row.secret) >= 32

    assert emit("evaluation.submitted", {"evaluation_id": 1}) == 0  # not asked for
    assert emit("import.finished", {"job_id": 9, "created": 3}) == 1
    db.session.commit()
    assert job_queue.work() >= 1
    [(headers, body)] = receiver.received
    assert _signed(headers, body, row.secret) and not _signed(headers, body, "other")
    assert headers["X-QA-Event"] == "import.finished"
    document = json.loads(body)
    assert document["kind"] == "import.finished" and document["data"] == {"job_id": 9, "created": 3}
    sent = db.session.scalar(db.select(WebhookDelivery))
    assert (sent.status, sent.response_code, sent.response_body) == ("sent", 200, "thanks")


def test_a_server_error_is_retried_with_a_doubling_delay(receiver, endpoint):
    receiver.statuses = [500, 500]
    emit("evaluation.submitted", {"evaluation_id": 5})
    db.session.commit()
    start = utcnow()
    assert delivery.deliver_due(start) == 0
    row = db.session.scalar(db.select(WebhookDelivery))
    assert (row.status, row.attempts, row.response_code) == ("queued", 1, 500)
    assert len(row.response_body) == 2048  # the first 2 kB kept
    assert row.next_attempt_at == start + timedelta(seconds=30)
    assert delivery.deliver_due(start + timedelta(seconds=10)) == 0  # not due yet
    assert delivery.deliver_due(start + timedelta(seconds=31)) == 0  # 500 again
    db.session.refresh(row)
    assert row.next_attempt_at == start + timedelta(seconds=31 + 60)
    assert delivery.deliver_due(start + timedelta(seconds=100)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("sent", 3)
    bodies = {body for _, body in receiver.received}
    assert len(receiver.received) == 3 and len(bodies) == 1  # the same body each time


def test_an_endpoint_failing_for_a_day_is_paused_and_its_owner_told(receiver, endpoint, users):
    receiver.statuses = [500] * 10
    emit("evaluation.submitted", {"evaluation_id": 1})
    db.session.commit()
    start = utcnow()
    delivery.deliver_due(start)
    emit("evaluation.submitted", {"evaluation_id": 2})
    db.session.commit()
    delivery.deliver_due(start + timedelta(hours=23))  # failing, not yet a day
    db.session.refresh(endpoint)
    assert endpoint.paused_at is None and endpoint.failing_since == start

    delivery.deliver_due(start + timedelta(hours=24, minutes=1))
    db.session.refresh(endpoint)
    assert endpoint.paused_at is not None
    told = db.session.scalar(db.select(Notification).where(Notification.kind == "webhook"))
    assert told.user_id == users["admin"].id and endpoint.url in told.title
    assert emit("evaluation.submitted", {"evaluation_id": 3}) == 0  # nothing for a paused one
    statuses = set(db.session.scalars(db.select(WebhookDelivery.status)))
    assert statuses == {"failed"}


def test_a_delivery_is_replayed_from_the_admin_page(receiver, endpoint, client_as):
    emit("evaluation.submitted", {"evaluation_id": 4})
    db.session.commit()
    delivery.deliver_due()
    first = db.session.scalar(db.select(WebhookDelivery))
    page = client_as("admin").get(f"/admin/webhooks/{endpoint.id}")
    assert b"Replay" in page.data and b"s3cret" in page.data
    answer = post_form(client_as("admin"), f"/admin/webhooks/deliveries/{first.id}/replay", {})
    assert answer.status_code == 302
    delivery.deliver_due()
    again = db.session.scalar(db.select(WebhookDelivery).where(WebhookDelivery.id != first.id))
    assert again.replay_of_id == first.id and again.event_id == first.event_id
    assert again.status == "sent"
    assert receiver.received[0][1] == receiver.received[1][1]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
        "http://hooks.example.com/plain",  # http:// refused
    ],
)
def test_private_addresses_and_plain_http_are_refused_unless_allowed(app, url, monkeypatch):
    real = addresses.resolve
    monkeypatch.setattr(
        addresses,
        "resolve",
        lambda host, port: ["93.184.216.34"] if host.endswith("example.com") else real(host, port),
    )
    with pytest.raises(addresses.UnsafeAddressError):
        addresses.vet(url, allow_private=False)
    assert addresses.vet("https://hooks.example.com/x", allow_private=False)[3] == "93.184.216.34"


def test_the_form_refuses_a_private_address_with_a_message_and_stores_nothing(client_as):
    answer = post_form(client_as("admin"), "/admin/webhooks/",
                       {"url": "https://127.0.0.1/x", "kinds": ["flag.raised"]})  # fmt: skip
    assert answer.status_code == 400 and b"loopback" in answer.data
    assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0


def test_a_delivery_to_an_address_no_longer_allowed_fails_without_sending(app, receiver, endpoint):
    emit("import.finished", {"job_id": 1})
    db.session.commit()
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    delivery.deliver_due()
    row = db.session.scalar(db.select(WebhookDelivery))
    assert row.status == "failed" and row.error.startswith("Refused")
    assert receiver.received == []


def test_submitting_an_evaluation_emits_the_event(users, make, endpoint):
    from qa_app.reviews import evaluations

    card = make.scorecard()
    version = card.versions[0]
    evaluation = evaluations.start(users["reviewer"], make.interaction(users["agent"]), version)
    answers = {
        q.key: ("na" if q.allow_na else q.answers()[0]) if q.kind != "text" else "ok"
        for q in evaluations.card_for(version).questions()
    }
    evaluations.save(users["reviewer"], evaluation, answers,
                     lock_version=evaluation.lock_version, submit=True)  # fmt: skip
    row = db.session.scalar(db.select(WebhookDelivery))
    data = json.loads(row.body)["data"]
    assert row.kind == "evaluation.submitted" and data["evaluation_id"] == evaluation.id
