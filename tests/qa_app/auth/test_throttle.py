"""Sign-in rate limiting: per account and per address, counted in the database,
with one message whether or not the account exists."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from qa_app import create_app
from qa_app.auth import throttle
from qa_app.auth.services import GENERIC_FAILURE
from qa_app.extensions import db
from qa_app.models import SignInAttempt, utcnow
from tests.qa_app.helpers import TEST_CONFIG, csrf_token, sign_in

WRONG = "not the password"
CONCURRENT = 30


def _fail(client, email: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(client, email, WRONG).status_code == 401


def _refusal(response) -> str:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    message = re.search(r"Too many failed sign-in attempts\.[^<]*", html)
    assert message, html[:1000]
    return message.group(0)


def test_account_is_refused_after_too_many_failures_even_with_the_right_password(
    app, client, users
):
    limit = app.config["SIGNIN_ACCOUNT_FAILURES"]
    _fail(client, "agent@example.test", limit)
    message = _refusal(sign_in(client, "Agent@Example.test", "correct horse battery"))
    assert "Try again in 15 minutes (after " in message and "UTC)" in message
    assert GENERIC_FAILURE not in message
    assert client.get("/").status_code == 302  # not signed in
    # Another account from another address is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert sign_in(other, "reviewer@example.test").status_code == 302


def test_unknown_and_known_accounts_get_the_same_refusal(app, users):
    known, unknown = app.test_client(), app.test_client()
    known.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    unknown.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    limit = app.config["SIGNIN_ACCOUNT_FAILURES"]
    _fail(known, "agent@example.test", limit)
    _fail(unknown, "nobody@example.test", limit)
    first = _refusal(sign_in(known, "agent@example.test", WRONG))
    second = _refusal(sign_in(unknown, "nobody@example.test", WRONG))
    assert first == second


def test_an_address_is_refused_after_failures_across_many_accounts(app, client, users):
    app.config["SIGNIN_ADDRESS_FAILURES"] = 6
    for n in range(6):
        _fail(client, f"guess{n}@example.test", 1)
    _refusal(sign_in(client, "reviewer@example.test"))
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert sign_in(elsewhere, "reviewer@example.test").status_code == 302


def test_failures_older_than_the_window_do_not_count(app, client, users):
    old = utcnow() - timedelta(minutes=app.config["SIGNIN_WINDOW_MINUTES"] + 1)
    for _ in range(10):
        throttle.record("agent@example.test", "127.0.0.1", succeeded=False, now=old)
    assert sign_in(client, "agent@example.test").status_code == 302


def test_a_successful_sign_in_starts_the_account_count_again(app, client, users):
    limit = app.config["SIGNIN_ACCOUNT_FAILURES"]
    _fail(client, "agent@example.test", limit - 1)
    assert sign_in(client, "agent@example.test").status_code == 302
    other = app.test_client()
    _fail(other, "agent@example.test", limit - 1)
    assert sign_in(other, "agent@example.test").status_code == 302


def test_retry_time_is_when_the_oldest_counted_failure_leaves_the_window(app):
    now = utcnow()
    for minutes in (14, 10, 9, 8, 7):
        throttle.record("x@example.test", "1.2.3.4", False, now=now - timedelta(minutes=minutes))
    refusal = throttle.check("x@example.test", "5.6.7.8", now=now)
    assert refusal is not None
    assert refusal.retry_at == now + timedelta(minutes=1)  # 14 minutes old, 15-minute window
    assert refusal.seconds == 60 and "Try again in 1 minute (after" in refusal.message
    assert throttle.check("x@example.test", "5.6.7.8", now=now + timedelta(minutes=2)) is None


def test_attempts_store_a_hash_not_what_was_typed_and_old_ones_are_deleted(app, client, users):
    throttle.record("stale@example.test", "1.1.1.1", False, now=utcnow() - timedelta(days=2))
    sign_in(client, "Agent@Example.test", WRONG)
    rows = db.session.scalars(db.select(SignInAttempt)).all()
    assert len(rows) == 1  # the two-day-old attempt was swept
    assert rows[0].email_hash == throttle.email_key("agent@example.test")
    assert "agent" not in rows[0].email_hash and rows[0].succeeded is False


def test_the_count_is_shared_by_every_process_using_the_database(app, users):
    # A second application object on the same database stands for another
    # worker process: failures made through one are refused by the other.
    other = create_app(
        TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    _fail(app.test_client(), "agent@example.test", app.config["SIGNIN_ACCOUNT_FAILURES"])
    with other.app_context():
        response = sign_in(other.test_client(), "agent@example.test")
        db.session.remove()
        db.engine.dispose()
    _refusal(response)


def _all_at_once(app, attempts: list[tuple[str, str]]) -> list[int]:
    """POST a wrong password for each (e-mail, address) from its own browser,
    all released together on their own threads (own connections, as separate
    workers would have); the response statuses."""
    browsers = []
    for email, address in attempts:
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        data = {"email": email, "password": WRONG, "csrf_token": csrf_token(browser)}
        browsers.append((browser, data))
    start = threading.Barrier(len(browsers))

    def post(item) -> int:
        browser, data = item
        start.wait()
        return browser.post("/auth/login", data=data).status_code

    with ThreadPoolExecutor(len(browsers)) as pool:
        return list(pool.map(post, browsers))


def _recorded(**where) -> int:
    query = db.select(db.func.count()).select_from(SignInAttempt).filter_by(**where)
    return db.session.scalar(query)


def test_concurrent_wrong_passwords_for_one_account_cannot_pass_the_limit(app, users):
    limit = app.config["SIGNIN_ACCOUNT_FAILURES"]
    statuses = _all_at_once(app, [("agent@example.test", "10.0.0.1")] * CONCURRENT)
    assert (statuses.count(401), statuses.count(429)) == (limit, CONCURRENT - limit)
    assert _recorded(email_hash=throttle.email_key("agent@example.test")) == limit


def test_concurrent_wrong_passwords_from_one_address_cannot_pass_its_limit(app, users):
    app.config["SIGNIN_ADDRESS_FAILURES"] = limit = 6
    guesses = [(f"guess{n}@example.test", "10.0.0.9") for n in range(CONCURRENT)]
    statuses = _all_at_once(app, guesses)
    assert (statuses.count(401), statuses.count(429)) == (limit, CONCURRENT - limit)
    assert _recorded(address="10.0.0.9") == limit
