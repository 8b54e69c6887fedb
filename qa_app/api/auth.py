"""Bearer authentication for /api/: the token, and only the token, says who calls.

The API ignores the session cookie on purpose. A browser sends the cookie with
any cross-site request, so an API that honoured it would need CSRF tokens on
every write; a bearer header is never sent by a browser on its own, so API
requests are exempt from CSRF and still cannot be forged from another site.
"""

from __future__ import annotations

from flask import g, request

from qa_app.api import tokens
from qa_app.api.errors import fail
from qa_app.extensions import login_manager

PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def use_bearer_user() -> None:
    """Make the token's user the current user for this request, or answer 401.

    Called by ``qa_app.access.enforce`` for every non-public view under /api/,
    before the role check, so the same role rules as the pages apply.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if not header:
        fail(401, "Send an API token: 'Authorization: Bearer <token>'.", code="missing_token")
    if scheme.lower() != "bearer" or not secret.strip():
        fail(401, "The Authorization header must be 'Bearer <token>'.", code="invalid_token")
    user = tokens.authenticate(secret.strip())
    if user is None:
        fail(
            401,
            "The token is unknown, revoked or expired, or its user is deactivated.",
            code="invalid_token",
        )
    # Flask-Login keeps the request's user in g; setting it here (rather than
    # through login_user) writes nothing into the session cookie.
    login_manager._update_request_context_with_user(user)
    g.api_user_id = user.id
