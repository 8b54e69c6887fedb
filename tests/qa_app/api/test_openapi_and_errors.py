"""The OpenAPI document is generated from the code and declares bearer auth;
the reference page is rendered from it with no outside assets; every error
under /api/ has one body shape."""

from __future__ import annotations

import re

import pytest

URL = "/api/v1/openapi.json"
OPERATIONS = {
    ("post", "/api/v1/interactions"),
    ("get", "/api/v1/interactions"),
    ("get", "/api/v1/interactions/{interaction_id}"),
    ("post", "/api/v1/interactions/{interaction_id}/recording"),
    ("get", "/api/v1/interactions/{interaction_id}/recording"),
    ("get", "/api/v1/evaluations"),
    ("get", "/api/v1/evaluations/{evaluation_id}"),
    ("get", "/api/v1/scorecards"),
    ("get", "/api/v1/scorecards/{scorecard_id}/versions/{number}"),
    ("get", "/api/v1/calibration/sessions/{session_id}/results"),
    ("get", "/api/v1/flags"),
    ("get", "/api/v1/interactions/{interaction_id}/auto-answers"),
    ("get", "/api/v1/autoqa/scorecards/{scorecard_id}/agreement"),
}


def test_the_document_lists_every_operation_and_requires_a_bearer_token(client):
    doc = client.get(URL).get_json()
    assert doc["openapi"].startswith("3.")
    found = {(m, p) for p, item in doc["paths"].items() for m in item if m != "parameters"}
    assert found == OPERATIONS
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"}
    assert error["properties"]["code"]["type"] == "string"
    upsert = doc["components"]["schemas"]["UpsertRequest"]["properties"]["items"]
    assert upsert["items"] == {"$ref": "#/components/schemas/InteractionItem"}
    assert upsert["maxItems"] >= 1


def test_the_document_is_generated_from_the_views(client):
    """Docstrings of the views become the summaries: nothing is written twice."""
    from qa_app.api import interactions

    doc = client.get(URL).get_json()
    summary = doc["paths"]["/api/v1/interactions"]["post"]["summary"]
    assert summary == interactions.upsert.__doc__.strip().splitlines()[0]


def test_the_reference_page_is_rendered_here_without_outside_assets(client, client_as):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/evaluations/{evaluation_id}" in html and "InteractionItem" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    signed = client_as("agent").get("/api/v1/docs").get_data(as_text=True)
    assert 'data-testid="api-tokens"' in signed  # the signed-in layout, with the tokens link


def test_missing_and_malformed_tokens_are_401_with_a_code(client):
    missing = client.get("/api/v1/flags")
    assert missing.status_code == 401 and missing.get_json()["code"] == "missing_token"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Basic abc", "Bearer", "Bearer qat_unknown", "Bearer not-our-format"):
        response = client.get("/api/v1/flags", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("DELETE", "/api/v1/flags", 405, "method_not_allowed"),
        ("GET", "/api/v1/nothing", 404, "not_found"),
        ("GET", "/api/v1/interactions/99999999999", 404, "not_found"),
    ],
)
def test_errors_share_one_body(api_as, method, path, status, code):
    response = api_as("admin")._open(method, path)
    assert response.status_code == status
    body = response.get_json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "errors"}


def test_a_body_over_the_size_limit_is_413_in_the_same_shape(app, api_as):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = api_as("admin").post("/api/v1/interactions", json={"items": ["x" * 2000]})
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def test_an_unexpected_failure_is_500_in_the_same_shape(app, api_as, monkeypatch):
    from qa_app.api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(queries, "flags", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api_as("admin").get("/api/v1/flags")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "internal_error" and "kaboom" not in body["message"]
