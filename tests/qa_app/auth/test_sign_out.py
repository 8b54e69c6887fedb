"""Ending a session is enforced by the server: a copy of the session cookie or
of the remember-me cookie taken before the end opens nothing afterwards.

Each test copies cookies out of one browser (a test client) and replays them
from a fresh one, as someone who had read them off the machine would."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient

from qa_app.auth.sessions import SEEN
from qa_app.extensions import db
from qa_app.models import LiveSession
from tests.qa_app.helpers import PASSWORD, csrf_token, post_form

NEW = "a brand new passphrase"
PAGE = "/reviews/"  # a page a signed-in reviewer sees (200) and a visitor does not


def _remembered(app: Flask, email: str = "reviewer@example.test") -> FlaskClient:
    """A browser signed in with "Keep me signed in on this device"."""
    browser = app.test_client()
    data = {
        "email": email,
        "password": PASSWORD,
        "remember": "y",
        "csrf_token": csrf_token(browser),
    }
    assert browser.post("/auth/login", data=data).status_code == 302
    assert browser.get_cookie("remember_token") is not None
    return browser


def _cookies(browser: FlaskClient) -> dict[str, str]:
    return {name: browser.get_cookie(name).value for name in ("session", "remember_token")}


def _replay(app: Flask, name: str, value: str) -> int:
    """Status of the page for a fresh browser holding only this one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    response = thief.get(PAGE)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
    return response.status_code


def _both_replayed(app: Flask, copied: dict[str, str]) -> list[int]:
    return [_replay(app, name, value) for name, value in copied.items()]


def test_copied_cookies_open_pages_while_the_session_lasts(app, users):
    # The control for the tests below: the replay itself works.
    copied = _cookies(_remembered(app))
    assert _both_replayed(app, copied) == [200, 200]


def test_sign_out_ends_copies_of_the_session_and_remember_me_cookies(app, users):
    browser = _remembered(app)
    copied = _cookies(browser)
    assert post_form(browser, "/auth/logout", {}).status_code == 302
    assert browser.get(PAGE).status_code == 302
    assert _both_replayed(app, copied) == [302, 302]


def test_sign_out_on_one_device_leaves_the_others_signed_in(app, users):
    laptop, phone = _remembered(app), _remembered(app)
    post_form(phone, "/auth/logout", {})
    assert laptop.get(PAGE).status_code == 200
    assert _both_replayed(app, _cookies(laptop)) == [200, 200]


def test_an_idle_timeout_ends_the_remember_me_cookie_too(app, users):
    browser = _remembered(app)
    copied = _cookies(browser)
    with browser.session_transaction() as session:
        session[SEEN] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    assert browser.get(PAGE).status_code == 302  # the timeout signs this browser out
    assert _replay(app, "remember_token", copied["remember_token"]) == 302


def test_a_remember_me_cookie_is_refused_after_its_duration_even_if_kept(app, users):
    copied = _cookies(_remembered(app))
    db.session.execute(db.update(LiveSession).values(expires_at=LiveSession.started_at))
    db.session.commit()
    assert _replay(app, "remember_token", copied["remember_token"]) == 302


def test_deactivation_ends_sessions_for_good_even_if_the_account_returns(app, client_as, users):
    browser = _remembered(app)
    copied = _cookies(browser)
    reviewer = users["reviewer"]
    form = {"email": reviewer.email, "name": reviewer.name, "role": "reviewer", "team_id": "0"}
    admin = client_as("admin")
    assert post_form(admin, f"/admin/users/{reviewer.id}", form).status_code == 302
    assert browser.get(PAGE).status_code == 302
    assert (
        post_form(admin, f"/admin/users/{reviewer.id}", form | {"active": "y"}).status_code == 302
    )
    assert _both_replayed(app, copied) == [302, 302]


def test_a_role_change_applies_to_open_sessions_at_once(app, client_as, users):
    # Rights are read from the account on every request, so nothing needs
    # revoking: the demoted admin's open session loses the admin pages.
    other = client_as("admin")
    assert other.get("/admin/users").status_code == 200
    me = users["admin"]
    users["executive"].role = "admin"  # someone must stay admin
    db.session.commit()
    form = {"email": me.email, "name": me.name, "role": "reviewer", "team_id": "0", "active": "y"}
    promoted = client_as("executive")
    assert post_form(promoted, f"/admin/users/{me.id}", form).status_code == 302
    assert other.get("/admin/users").status_code == 403
    assert other.get(PAGE).status_code == 200  # still signed in, as a reviewer


def test_a_password_change_keeps_this_devices_remember_me_and_ends_copies(app, users):
    browser = _remembered(app)
    copied = _cookies(browser)
    form = {"current": PASSWORD, "new": NEW, "confirm": NEW}
    assert post_form(browser, "/auth/password", form).status_code == 302
    assert _both_replayed(app, copied) == [302, 302]
    renewed = browser.get_cookie("remember_token").value
    assert renewed != copied["remember_token"]
    assert _replay(app, "remember_token", renewed) == 200


def test_a_timeout_on_a_page_that_only_reads_still_ends_the_session(app, users):
    # A page that only reads still ends a timed-out session (deletes its row).
    browser = _remembered(app, "executive@example.test")
    copied = _cookies(browser)
    with browser.session_transaction() as session:
        session[SEEN] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    response = browser.get("/reports/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert db.session.scalar(db.select(db.func.count()).select_from(LiveSession)) == 0
    thief = app.test_client()
    thief.set_cookie("remember_token", copied["remember_token"])
    assert thief.get("/reports/").status_code == 302


def test_a_session_restored_from_remember_me_has_an_idle_timeout_too(app, users):
    browser = _remembered(app)
    with browser.session_transaction() as session:  # the browser dropped its session cookie
        session.clear()
    assert browser.get(PAGE).status_code == 200  # restored from the remember-me cookie
    assert browser.get(PAGE).status_code == 200
    with browser.session_transaction() as session:
        assert SEEN in session  # its clock runs
        session[SEEN] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    assert browser.get(PAGE).status_code == 302
