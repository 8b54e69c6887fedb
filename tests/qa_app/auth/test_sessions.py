"""Sessions: a fresh one at sign-in, an idle timeout and an absolute lifetime,
and a password change ends the account's other sessions."""

from __future__ import annotations

import time

from qa_app.auth.sessions import SEEN, STARTED, digest
from qa_app.extensions import db
from qa_app.models import LiveSession
from tests.qa_app.helpers import PASSWORD, post_form, sign_in

NEW = "a brand new passphrase"


def _home(client):
    return client.get("/", follow_redirects=False)


def test_sign_in_starts_a_fresh_session(client, users):
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "1:0"  # a forged id is not trusted either: it is cleared
    sign_in(client, "agent@example.test")
    with client.session_transaction() as session:
        assert "planted" not in session
        user_id, version, token = session["_user_id"].split(":")
        assert session.permanent and session[STARTED] == session[SEEN]
    assert (int(user_id), int(version)) == (users["agent"].id, users["agent"].session_version)
    live = db.session.scalar(db.select(LiveSession))  # the server's record, by digest only
    assert live.user_id == users["agent"].id and live.token_hash == digest(token) != token
    assert _home(client).status_code == 200


def test_the_session_cookie_expires_with_the_absolute_lifetime(client, users):
    response = sign_in(client, "agent@example.test")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in cookie and "HttpOnly" in cookie


def test_activity_refreshes_the_idle_clock(app, client, users):
    sign_in(client, "agent@example.test")
    almost = int(time.time()) - (app.config["SESSION_IDLE_MINUTES"] * 60 - 30)
    with client.session_transaction() as session:
        session[SEEN] = almost
    assert _home(client).status_code == 200
    with client.session_transaction() as session:
        assert session[SEEN] >= int(time.time()) - 5


def test_pages_in_quick_succession_do_not_resend_the_session_cookie(client, users):
    sign_in(client, "agent@example.test")
    _home(client)
    again = _home(client)
    assert again.status_code == 200
    assert not [c for c in again.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_idle_session_is_signed_out_with_a_message(app, client, users):
    sign_in(client, "reviewer@example.test")
    with client.session_transaction() as session:
        session[SEEN] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    response = client.get("/reviews/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"after {app.config['SESSION_IDLE_MINUTES']} minutes without activity" in page
    assert _home(client).status_code == 302  # stays signed out


def test_session_older_than_the_absolute_lifetime_ends_despite_activity(app, client, users):
    sign_in(client, "agent@example.test")
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    with client.session_transaction() as session:
        session[STARTED] = int(time.time()) - lifetime - 1
    response = _home(client)
    assert response.status_code == 302
    assert "maximum length of 12 hours" in client.get("/auth/login").get_data(as_text=True)


def test_idle_timeout_is_configurable(app, client, users):
    app.config["SESSION_IDLE_MINUTES"] = 1
    sign_in(client, "agent@example.test")
    with client.session_transaction() as session:
        session[SEEN] = int(time.time()) - 61
    assert _home(client).status_code == 302


def test_password_change_signs_out_other_sessions_but_keeps_this_one(app, users):
    mine, other = app.test_client(), app.test_client()
    sign_in(mine, "agent@example.test")
    sign_in(other, "agent@example.test")
    response = post_form(mine, "/auth/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert _home(mine).status_code == 200
    assert _home(other).status_code == 302
    assert sign_in(other, "agent@example.test", NEW).status_code == 302


def test_remember_me_cookie_dies_with_a_password_change(app, users):
    phone = app.test_client()
    from tests.qa_app.helpers import csrf_token

    data = {"email": "agent@example.test", "password": PASSWORD, "remember": "y"}
    phone.post("/auth/login", data=data | {"csrf_token": csrf_token(phone)})
    assert phone.get_cookie("remember_token") is not None
    with phone.session_transaction() as session:  # the browser dropped its session cookie
        session.clear()
    assert _home(phone).status_code == 200  # restored from the remember-me cookie
    users["agent"].set_password(NEW, method=app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    with phone.session_transaction() as session:
        session.clear()
    assert _home(phone).status_code == 302


def test_admin_password_reset_signs_the_user_out_and_keeps_the_admin_in(app, client_as, users):
    agent = client_as("agent")
    admin = client_as("admin")
    target = users["agent"]
    data = {"email": target.email, "name": target.name, "role": "agent", "team_id": "0",
            "active": "y", "password": NEW}  # fmt: skip
    assert post_form(admin, f"/admin/users/{target.id}", data).status_code == 302
    assert _home(agent).status_code == 302
    me = users["admin"]
    data = {"email": me.email, "name": me.name, "role": "admin", "team_id": "0",
            "active": "y", "password": NEW}  # fmt: skip
    assert post_form(admin, f"/admin/users/{me.id}", data).status_code == 302
    assert _home(admin).status_code == 200


def test_sessions_from_before_versioned_ids_or_live_sessions_load_nobody(client, users):
    agent = users["agent"]
    for old_form in (str(agent.id), f"{agent.id}:{agent.session_version}"):
        sign_in(client, "agent@example.test")
        with client.session_transaction() as session:
            session["_user_id"] = old_form
        assert _home(client).status_code == 302
