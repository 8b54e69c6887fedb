"""E-mail goes through a real SMTP server (aiosmtpd, started here) and what
arrived is read back: immediate mail, the daily digest, off, the unsubscribe
link, a refusal kept with the server's words, and a retry after a failure."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from qa_app.extensions import db
from qa_app.mail import preferences, services
from qa_app.models import EmailDelivery, MailPreference, utcnow
from qa_app.notifications import notify
from tests.qa_app.helpers import csrf_token


class Mailbox:
    """An aiosmtpd handler keeping what it accepts; ``refuse`` addresses get 550."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd hook name)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SECURITY="none",
        MAIL_FROM="QA <qa@example.test>",
        BASE_URL="https://qa.example.test",
        MAIL_KICK_DELAY=0,
        MAIL_RETRY_SECONDS=60,
    )
    yield box
    controller.stop()


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_an_immediate_notification_is_mailed_by_a_job_in_text_and_html(users, mailbox, job_queue):
    agent = users["agent"]
    notify(agent.id, "evaluation", "New evaluation of your call", link="/feedback/evaluations/7")
    db.session.commit()
    assert job_queue.work() >= 1  # the kick ran on the queue, in a worker thread
    [(to, message)] = mailbox.messages
    assert to == [agent.email]
    assert message["Subject"] == "New evaluation of your call"
    assert "https://qa.example.test/feedback/evaluations/7" in _text(message)
    assert 'href="https://qa.example.test/feedback/evaluations/7"' in _html(message)
    assert message["List-Unsubscribe"].startswith("<https://qa.example.test/mail/unsubscribe/")
    row = db.session.scalar(db.select(EmailDelivery))
    assert (row.status, row.attempts, row.error) == ("sent", 1, "")


def test_digest_kinds_wait_for_one_daily_message_and_off_kinds_never_go(users, mailbox):
    agent = users["agent"]
    preferences.set_mode(agent.id, "evaluation", "digest")
    preferences.set_mode(agent.id, "dispute", "off")
    db.session.commit()
    notify(agent.id, "evaluation", "First evaluation")
    notify(agent.id, "evaluation", "Second evaluation", link="/feedback/evaluations/2")
    notify(agent.id, "dispute", "Your dispute was upheld")
    db.session.commit()
    assert services.send_due() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(EmailDelivery)) == 0

    assert services.send_digests(utcnow() + timedelta(minutes=1)) == 1
    [(to, message)] = mailbox.messages
    text = _text(message)
    assert to == [agent.email] and "2 notification(s)" in message["Subject"]
    assert "First evaluation" in text and "Second evaluation" in text
    assert "upheld" not in text and "upheld" not in _html(message)
    # The same day again: nothing more.
    assert services.send_digests(utcnow() + timedelta(hours=2)) == 0
    assert len(mailbox.messages) == 1


def test_the_unsubscribe_link_asks_on_get_and_turns_the_kind_off_on_post(
    app, users, mailbox, client
):
    agent = users["agent"]
    notify(agent.id, "calibration", "Calibration revealed: March")
    db.session.commit()
    services.send_due()
    link = re.search(r"Stop these e-mails: (\S+)", _text(mailbox.messages[0][1])).group(1)
    path = link.removeprefix("https://qa.example.test")

    page = client.get(path)  # not signed in
    assert page.status_code == 200 and b"confirm-unsubscribe" in page.data
    assert preferences.mode_for(agent.id, "calibration") == "immediate"  # GET changes nothing

    done = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert done.status_code == 200 and b"no longer gets e-mail" in done.data
    assert preferences.mode_for(agent.id, "calibration") == "off"
    assert client.post(path).status_code == 400  # no CSRF token: refused
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token

    notify(agent.id, "calibration", "Calibration revealed: April")
    db.session.commit()
    assert services.send_due() == 0 and len(mailbox.messages) == 1


def test_a_refusal_is_recorded_with_the_servers_words_and_not_retried(users, mailbox):
    agent = users["agent"]
    mailbox.refuse.add(agent.email)
    notify(agent.id, "coaching", "Coaching session with Rev on 3 Mar")
    db.session.commit()
    assert services.send_due() == 0
    row = db.session.scalar(db.select(EmailDelivery))
    assert row.status == "failed" and row.attempts == 1
    assert "550" in row.error and "No such mailbox" in row.error
    assert services.send_due(utcnow() + timedelta(days=1)) == 0  # never tried again
    assert mailbox.messages == []


def test_a_temporary_failure_is_retried_later_with_a_growing_delay(app, users, mailbox):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()  # nobody listens: connection refused
    notify(users["agent"].id, "evaluation", "Retry me")
    db.session.commit()
    start = utcnow()
    assert services.send_due(start) == 0
    row = db.session.scalar(db.select(EmailDelivery))
    assert row.status == "queued" and row.attempts == 1 and "Connection" in row.error
    assert row.next_attempt_at == start + timedelta(seconds=60)
    assert services.send_due(start + timedelta(seconds=61)) == 0  # still down: 2nd attempt
    db.session.refresh(row)
    assert row.attempts == 2 and row.next_attempt_at == start + timedelta(seconds=61 + 120)

    app.config["MAIL_PORT"] = port
    assert services.send_due(start + timedelta(seconds=100)) == 0  # not due yet
    assert services.send_due(start + timedelta(seconds=200)) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("sent", 3)
    assert [m["Subject"] for _, m in mailbox.messages] == ["Retry me"]


def test_without_a_mail_host_nothing_is_queued_and_the_pages_say_so(users, client_as):
    notify(users["agent"].id, "evaluation", "Quiet")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(EmailDelivery)) == 0
    admin = client_as("admin")
    assert b'data-testid="mail-off"' in admin.get("/mail/deliveries").data
    agent = client_as("agent")
    assert b'data-testid="mail-off"' in agent.get("/mail/preferences").data


def test_the_preferences_page_stores_each_choice_and_refuses_an_unknown_mode(users, client_as):
    agent = client_as("agent")
    token = csrf_token(agent, "/mail/preferences")
    saved = agent.post("/mail/preferences", data={"csrf_token": token, "mode-evaluation": "digest"})
    assert saved.status_code == 302
    assert preferences.mode_for(users["agent"].id, "evaluation") == "digest"
    assert preferences.mode_for(users["agent"].id, "dispute") == "immediate"  # default kept
    bad = agent.post("/mail/preferences", data={"csrf_token": token, "mode-dispute": "hourly"})
    assert bad.status_code == 400
    stored = db.session.scalars(db.select(MailPreference.kind)).all()
    assert stored == ["evaluation"]  # nothing half-stored
