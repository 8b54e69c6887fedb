"""Every kind of response carries the protective headers; HSTS only in production."""

from __future__ import annotations

import pytest

from qa_app import create_app
from qa_app.security import HSTS
from tests.qa_app.helpers import TEST_CONFIG, post_form, sign_in


def _check_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


# (role or None for signed out, method, path, expected status): one of each
# kind of response the application gives.
PAGE_TYPES = [
    (None, "get", "/auth/login", 200),  # public HTML form
    (None, "get", "/healthz", 200),  # public JSON
    (None, "get", "/interactions/", 302),  # redirect to sign in
    (None, "get", "/api/v1/nothing", 404),  # JSON error
    (None, "get", "/static/favicon.svg", 200),  # static file
    (None, "put", "/auth/login", 405),  # wrong method
    ("agent", "get", "/", 200),  # signed-in HTML page
    ("agent", "get", "/admin/users", 403),  # forbidden page
    ("agent", "get", "/no/such/page", 404),  # friendly 404
    ("admin", "get", "/interactions/import", 200),  # upload form
    ("executive", "get", "/reports/export/agents.csv", 200),  # CSV download
    ("executive", "get", "/reports/export/agents.xlsx", 200),  # xlsx download
]


@pytest.mark.parametrize(("role", "method", "path", "status"), PAGE_TYPES)
def test_every_kind_of_response_carries_the_security_headers(
    client, client_as, role, method, path, status
):
    web = client_as(role) if role else client
    response = getattr(web, method)(path)
    response.close()  # static files answer with an open file
    assert response.status_code == status, path
    _check_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in tests


def test_pages_with_personal_data_are_not_cached_but_static_files_may_be(client_as):
    agent = client_as("agent")
    assert agent.get("/").headers["Cache-Control"] == "no-store"
    static = agent.get("/static/favicon.svg")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_failed_form_post_and_sign_out_carry_the_headers(client, users):
    _check_headers(sign_in(client, "agent@example.test", "wrong password!"))
    sign_in(client, "agent@example.test")
    _check_headers(post_form(client, "/auth/logout", {}))


def test_production_sends_hsts_and_secure_cookies(app):
    secure = create_app(
        TEST_CONFIG
        | {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
        | {"SESSION_COOKIE_SECURE": True}
    )
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True
    assert secure.config["SESSION_COOKIE_HTTPONLY"] and secure.config["SESSION_COOKIE_SAMESITE"]
    with secure.test_client() as web:
        response = web.get("/auth/login", base_url="https://qa.example")
        assert response.headers["Strict-Transport-Security"] == HSTS
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookies_are_httponly_and_samesite_but_not_secure(client):
    cookie = client.get("/auth/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
