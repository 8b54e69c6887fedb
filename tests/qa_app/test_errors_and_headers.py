"""Friendly error pages, JSON errors for the API, and security headers."""


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_api_paths_get_json_error_bodies(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    body = response.get_json()
    assert body == {"code": "not_found", "message": body["message"]} and body["message"]


def test_wrong_method_is_405_not_500(client):
    assert client.put("/auth/login").status_code == 405


def test_every_response_carries_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_health_check_is_public(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unexpected_exception_gives_friendly_500(app, client_as):
    @app.route("/boom")
    def boom():  # pragma: no cover - body raises
        raise RuntimeError("kaboom")

    boom.access = frozenset({"admin"})
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client_as("admin").get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "kaboom" not in body


def test_an_id_beyond_any_column_is_not_found_not_a_crash(client_as):
    """Ids are 32-bit columns; a huge number in a URL would overflow SQLite's driver."""
    response = client_as("admin").get("/interactions/99999999999999999999")
    assert response.status_code == 404
