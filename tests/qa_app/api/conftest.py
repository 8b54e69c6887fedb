"""API fixtures: a bearer token per role and a client that sends it."""

from __future__ import annotations

import pytest

from qa_app.api import tokens


@pytest.fixture
def token_for(users):
    """``token_for("reviewer")``: a fresh token's secret for that role's user."""

    def build(role_or_user) -> str:
        user = users[role_or_user] if isinstance(role_or_user, str) else role_or_user
        return tokens.create(user, f"test {user.role}").secret

    return build


@pytest.fixture
def api_as(app, token_for):
    """``api_as("agent").get(...)``: a client sending that role's bearer token."""

    def build(role_or_user):
        return ApiClient(app.test_client(), token_for(role_or_user))

    return build


class ApiClient:
    def __init__(self, client, secret: str) -> None:
        self.client = client
        self.secret = secret

    def _open(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self._open("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self._open("POST", path, **kwargs)
