"""Signing in and out: one generic failure message, no open redirects, CSRF."""

from qa_app.auth import services
from qa_app.auth.services import GENERIC_FAILURE
from tests.qa_app.helpers import PASSWORD, csrf_token, post_form, sign_in


def test_valid_credentials_sign_in_and_land_on_home(client, users):
    response = sign_in(client, "Reviewer@Example.test ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome, " + users["reviewer"].name in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, users):
    wrong = sign_in(client, "reviewer@example.test", "not the password")
    unknown = sign_in(client, "nobody@example.test", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert GENERIC_FAILURE in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_an_unknown_email_still_costs_one_password_hash(client, users, app, monkeypatch):
    """So response times do not tell who has an account."""
    hashed = []
    real = services.generate_password_hash
    monkeypatch.setattr(
        services,
        "generate_password_hash",
        lambda password, method: hashed.append((password, method)) or real(password, method),
    )
    assert sign_in(client, "nobody@example.test", "a guess").status_code == 401
    assert hashed == [("a guess", app.config["PASSWORD_HASH_METHOD"])]


def test_deactivated_user_cannot_sign_in(client, make):
    make.user("agent", email="gone@example.test", active=False)
    response = sign_in(client, "gone@example.test")
    assert response.status_code == 401
    assert GENERIC_FAILURE in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session(client, users, app):
    sign_in(client, "agent@example.test")
    assert client.get("/").status_code == 200
    users["agent"].active = False
    from qa_app.extensions import db

    db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_in_without_csrf_token_is_refused(client, users):
    response = client.post(
        "/auth/login", data={"email": "reviewer@example.test", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_next_parameter_only_follows_local_paths(client, users):
    token = csrf_token(client)
    data = {"email": "admin@example.test", "password": PASSWORD, "csrf_token": token}
    response = client.post("/auth/login?next=https://evil.example/x", data=data)
    assert response.headers["Location"] == "/"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client)
    response = client.post("/auth/login?next=/admin/users", data=data | {"csrf_token": token})
    assert response.headers["Location"] == "/admin/users"


def test_protected_page_redirects_visitors_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/admin/users")


def test_sign_out_requires_post_and_ends_the_session(client, users):
    sign_in(client, "agent@example.test")
    assert client.get("/auth/logout").status_code == 405
    post_form(client, "/auth/logout", {})
    assert client.get("/").status_code == 302


def test_passwords_are_stored_hashed(users):
    assert PASSWORD not in users["agent"].password_hash
    assert users["agent"].password_hash.startswith("pbkdf2:sha256")


def test_change_password_checks_current_and_length(client, users):
    sign_in(client, "agent@example.test")
    short = post_form(
        client, "/auth/password", {"current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert "at least 10 characters" in short.get_data(as_text=True)
    wrong = post_form(
        client,
        "/auth/password",
        {"current": "nope", "new": "a much longer one", "confirm": "a much longer one"},
    )
    assert "not your current password" in wrong.get_data(as_text=True)
    ok = post_form(
        client,
        "/auth/password",
        {"current": PASSWORD, "new": "a much longer one", "confirm": "a much longer one"},
    )
    assert ok.status_code == 302
    assert users["agent"].check_password("a much longer one")
