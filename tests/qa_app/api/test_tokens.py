"""API tokens: created on a page and shown once, stored hashed, revocable by
their owner or an admin (audited), and the only way into the API."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from qa_app.api import tokens
from qa_app.extensions import db
from qa_app.models import ApiToken, AuditEvent, utcnow
from tests.qa_app.helpers import post_form

ME = "/api/v1/interactions"


def _secret(html: str) -> str:
    match = re.search(r'data-testid="secret">(qat_[^<]+)<', html)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_a_created_token_is_shown_once_and_stored_only_as_a_digest(client_as, users):
    client = client_as("reviewer")
    response = post_form(client, "/account/tokens/", {"name": "Sync", "expires_in_days": "30"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret(response.get_data(as_text=True))

    token = db.session.scalar(db.select(ApiToken))
    assert token.user_id == users["reviewer"].id and token.name == "Sync"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.token_hash} and secret.startswith(token.prefix)
    assert timedelta(days=29) < token.expires_at - token.created_at <= timedelta(days=30)

    again = client.get("/account/tokens/").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "Sync" in again

    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api_token.created"))
    assert event.actor_id == users["reviewer"].id and secret not in str(event.after)


def test_a_token_needs_a_name(client_as):
    response = post_form(client_as("agent"), "/account/tokens/", {"name": " "})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_creating_a_token_needs_the_csrf_token(client_as):
    response = client_as("agent").post("/account/tokens/", data={"name": "x"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_the_owner_revokes_and_the_token_stops_working(client_as, users, app):
    created = tokens.create(users["reviewer"], "Sync")
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {created.secret}"}
    assert api.get(ME, headers=bearer).status_code == 200

    client = client_as("reviewer")
    response = post_form(client, f"/account/tokens/{created.token.id}/revoke", {})
    assert response.status_code == 302
    db.session.refresh(created.token)
    assert created.token.revoked_at is not None
    assert created.token.revoked_by_id == users["reviewer"].id
    refused = api.get(ME, headers=bearer)
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("api_token.revoked") == 1


def test_another_users_token_is_not_found_but_an_admin_may_revoke_it(client_as, users):
    created = tokens.create(users["agent"], "Mine")
    path = f"/account/tokens/{created.token.id}/revoke"
    assert post_form(client_as("reviewer"), path, {}).status_code == 404
    db.session.refresh(created.token)
    assert created.token.revoked_at is None

    admin = client_as("admin")
    listing = admin.get(f"/account/tokens/all?user_id={users['agent'].id}")
    assert listing.status_code == 200 and created.token.prefix in listing.get_data(as_text=True)
    response = post_form(admin, path, {"back": "admin"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/all")
    db.session.refresh(created.token)
    assert created.token.revoked_by_id == users["admin"].id


def test_the_users_page_links_each_users_tokens(client_as, users):
    html = client_as("admin").get("/admin/users").get_data(as_text=True)
    assert f"/account/tokens/all?user_id={users['agent'].id}" in html


def test_expired_tokens_and_deactivated_users_are_refused(app, users, make):
    api = app.test_client()
    old = tokens.create(
        users["agent"], "Old", expires_in_days=30, now=utcnow() - timedelta(days=31)
    )
    assert api.get(ME, headers={"Authorization": f"Bearer {old.secret}"}).status_code == 401

    leaver = make.user("reviewer")
    live = tokens.create(leaver, "Live")
    bearer = {"Authorization": f"Bearer {live.secret}"}
    assert api.get(ME, headers=bearer).status_code == 200
    leaver.active = False
    db.session.commit()
    assert api.get(ME, headers=bearer).status_code == 401


def test_deactivation_revokes_the_tokens_so_reactivation_does_not_revive_them(
    app, client_as, users
):
    agent = users["agent"]
    created = tokens.create(agent, "Sync")
    bearer = {"Authorization": f"Bearer {created.secret}"}
    api, admin = app.test_client(), client_as("admin")
    form = {"email": agent.email, "name": agent.name, "role": "agent", "team_id": "0"}
    assert post_form(admin, f"/admin/users/{agent.id}", form).status_code == 302
    assert post_form(admin, f"/admin/users/{agent.id}", form | {"active": "y"}).status_code == 302
    assert api.get(ME, headers=bearer).status_code == 401
    db.session.refresh(created.token)
    assert created.token.revoked_by_id == users["admin"].id
    revoked = db.session.scalars(
        db.select(AuditEvent.entity_id).where(AuditEvent.action == "api_token.revoked")
    ).all()
    assert revoked == [created.token.id]


def test_use_is_recorded_at_most_once_a_minute(app, users):
    created = tokens.create(users["agent"], "Sync")
    assert created.token.last_used_at is None
    first = utcnow()
    assert tokens.authenticate(created.secret, now=first) == users["agent"]
    assert tokens.authenticate(created.secret, now=first + timedelta(seconds=5))
    db.session.refresh(created.token)
    assert created.token.last_used_at == first


def test_the_api_ignores_the_session_cookie(client_as):
    """A signed-in browser cannot use the API, so no cross-site form can either."""
    client = client_as("admin")
    assert client.get(ME).status_code == 401
    body = {"items": [{"external_id": "x"}]}
    refused = client.post(ME, json=body)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_responses_set_no_cookie(api_as):
    response = api_as("reviewer").get(ME)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
