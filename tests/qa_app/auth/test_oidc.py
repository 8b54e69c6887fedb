"""Company sign-in with OpenID Connect, against a real provider on 127.0.0.1
(tests/qa_app/auth/oidc_provider.py: Authlib's server side, RSA-signed ID
tokens, PKCE required).

Each flow is driven by hand: the application through its test client, the
provider through ``requests``, every redirect followed explicitly, so each
test can bend one step (the state, the ID token) and see the sign-in refused.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask.testing import FlaskClient

from qa_app.auth import oidc
from qa_app.config import ConfigError
from qa_app.extensions import db
from qa_app.models import AuditEvent, LiveSession, User
from tests.qa_app.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.qa_app.helpers import PASSWORD, TEST_CONFIG, post_form, sign_in

PAGE = "/reviews/"  # a page a signed-in reviewer sees (200) and a visitor does not


@pytest.fixture(scope="module")
def provider():
    running = Provider().start()
    yield running
    running.stop()


@pytest.fixture
def idp(provider, app):
    """The provider, fresh for this test, and the application pointed at it."""
    provider.reset()
    app.config.update(
        OIDC_DISCOVERY_URL=provider.discovery_url,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_PROVIDER_NAME="Acme ID",
    )
    return provider


def _to_provider(client: FlaskClient, start: str = "/auth/oidc/login") -> str:
    """Start at the sign-in button; the URL the application sends us to."""
    response = client.get(start)
    assert response.status_code == 302
    return response.headers["Location"]


def _back_from_provider(authorize_url: str) -> str:
    """The provider approves; the callback path (with code and state) it sends us to."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert (back.scheme, back.netloc, back.path) == ("http", "localhost", "/auth/oidc/callback")
    return f"{back.path}?{back.query}"


def _flow(client: FlaskClient):
    """The whole round trip; the application's answer to the callback."""
    return client.get(_back_from_provider(_to_provider(client)))


def _signed_in(client: FlaskClient) -> bool:
    return client.get(PAGE).status_code == 200


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_code_flow_with_pkce_signs_in_the_account_with_the_verified_email(client, idp, make):
    dana = make.user("reviewer", email="dana@example.test", password=None)
    authorize = urlsplit(_to_provider(client))
    asked = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == idp.issuer
    assert asked["response_type"] == ["code"] and asked["client_id"] == [CLIENT_ID]
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert asked["state"][0] and asked["nonce"][0]
    assert "openid" in asked["scope"][0].split()

    response = client.get(_back_from_provider(authorize.geturl()))

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _signed_in(client)
    assert db.session.scalar(db.select(db.func.count()).select_from(LiveSession)) == 1
    [event] = _events("user.signed_in")
    assert (event.actor_id, event.entity_id) == (dana.id, dana.id)
    assert event.after == {"method": "oidc", "issuer": idp.issuer, "subject": "idp-user-1"}
    assert not idp.codes  # the code was exchanged once, and is gone


def test_the_page_asked_for_comes_after_sign_in(client, idp, make):
    make.user("reviewer", email="dana@example.test")
    provider = _to_provider(client, "/auth/oidc/login?next=/reviews/")
    assert client.get(_back_from_provider(provider)).headers["Location"] == PAGE


def test_a_wrong_state_is_refused(client, idp, make):
    make.user("reviewer", email="dana@example.test")
    callback = _back_from_provider(_to_provider(client))
    state = parse_qs(urlsplit(callback).query)["state"][0]

    response = client.get(callback.replace(state, "not-the-state-we-sent"))

    assert response.status_code == 400
    assert "did not start here" in response.get_data(as_text=True)
    assert not _signed_in(client)


def _replayed_nonce(idp, client):
    """A nonce from an earlier, completed sign-in."""
    _flow(client)
    client.post("/auth/logout", data={"csrf_token": _csrf(client)})
    return {"nonce": idp.nonces[-1]}


def _csrf(client: FlaskClient) -> str:
    from tests.qa_app.helpers import csrf_token

    return csrf_token(client, "/auth/login")


def _expired(idp, client):
    now = int(time.time())
    return {"iat": now - 7200, "exp": now - 3600}  # far past the 2 minutes of clock leeway


def _tampered(idp, client):
    idp.tamper = True
    return {}


@pytest.mark.parametrize(
    ("bend", "why"),
    [
        pytest.param(lambda idp, client: {"nonce": "never-sent"}, "'nonce'", id="wrong nonce"),
        pytest.param(_replayed_nonce, "'nonce'", id="replayed nonce"),
        pytest.param(lambda idp, client: {"aud": ["another-app"]}, "'aud'", id="wrong audience"),
        pytest.param(
            lambda idp, client: {"aud": ["another-app"], "azp": CLIENT_ID},
            "'aud'",
            id="another client's token naming us as authorized party",
        ),
        pytest.param(_expired, "expired", id="expired"),
        pytest.param(lambda idp, client: {"iss": "http://127.0.0.1:1"}, "'iss'", id="wrong issuer"),
        pytest.param(_tampered, "BadSignatureError", id="tampered"),
    ],
)
def test_an_id_token_that_does_not_verify_is_refused(client, idp, make, bend, why, caplog):
    make.user("reviewer", email="dana@example.test")
    idp.id_token_claims = bend(idp, client)
    before = len(_events("user.signed_in"))

    with caplog.at_level("WARNING", logger="qa_app.auth.oidc"):
        response = _flow(client)

    assert response.status_code == 401
    assert "could not be verified" in response.get_data(as_text=True)
    [refusal] = [r.getMessage() for r in caplog.records if r.name == "qa_app.auth.oidc"]
    assert refusal.startswith("OIDC ID token refused") and why in refusal
    assert not _signed_in(client)
    assert len(_events("user.signed_in")) == before


def test_a_person_without_an_account_is_refused_unless_creation_is_allowed(client, idp):
    response = _flow(client)
    assert response.status_code == 403
    assert "No account here uses dana@example.test" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "dana@example.test")) is None


def test_an_unverified_email_matches_no_account(client, idp, make):
    make.user("admin", email="dana@example.test")
    idp.person["email_verified"] = False
    response = _flow(client)
    assert response.status_code == 403
    assert "verified e-mail" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_created_account_without_a_role_claim_gets_the_least_privileged_role(client, idp, app):
    app.config.update(OIDC_CREATE_USERS=True)
    assert _flow(client).status_code == 302
    dana = db.session.scalar(db.select(User).where(User.email == "dana@example.test"))
    assert (dana.role, dana.team_id, dana.name, dana.active) == ("agent", None, "Dana Quinn", True)
    assert dana.password_hash is None
    [created] = _events("user.created")
    assert created.entity_id == dana.id and created.after["via"] == "oidc"
    assert client.get("/").status_code == 200


def test_role_and_team_come_from_the_configured_claims(client, idp, app, make):
    support = make.team("Support")
    app.config.update(
        OIDC_CREATE_USERS=True,
        OIDC_ROLE_CLAIM="groups",
        OIDC_ROLE_MAP={"qa-reviewers": "reviewer", "qa-leads": "executive"},
        OIDC_TEAM_CLAIM="team",
    )
    idp.person |= {"groups": ["everyone", "qa-reviewers", "qa-leads"], "team": "Support"}
    _flow(client)
    dana = db.session.scalar(db.select(User).where(User.email == "dana@example.test"))
    assert (dana.role, dana.team_id) == ("executive", support.id)  # the most privileged mapped

    # At the next sign-in the provider still decides: moved to reviewers only.
    client.post("/auth/logout", data={"csrf_token": _csrf(client)})
    idp.person["groups"] = ["qa-reviewers"]
    _flow(client)
    db.session.refresh(dana)
    assert dana.role == "reviewer"
    [changed] = _events("user.role_changed")
    assert (changed.before["role"], changed.after["role"]) == ("executive", "reviewer")


def test_an_unmapped_claim_leaves_the_role_to_the_admin(client, idp, app, make):
    dana = make.user("executive", email="dana@example.test")
    app.config.update(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP={"qa-leads": "admin"})
    idp.person["groups"] = ["everyone"]
    _flow(client)
    db.session.refresh(dana)
    assert dana.role == "executive" and _signed_in(client)


def test_the_sign_in_page_offers_the_provider(client, idp):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with Acme ID" in page
    assert "/auth/oidc/login" in page


def test_without_settings_there_is_no_company_sign_in(client):
    assert "Sign in with" not in client.get("/auth/login").get_data(as_text=True)
    response = client.get("/auth/oidc/login")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_password_sign_in_can_be_kept_for_break_glass_admins_only(client, idp, app, users):
    app.config.update(PASSWORD_SIGNIN="break_glass", BREAK_GLASS_EMAILS="Admin@example.test")

    refused = sign_in(client, users["reviewer"].email)
    assert refused.status_code == 403
    assert "Password sign-in is turned off" in refused.get_data(as_text=True)
    assert not _signed_in(client)
    # A wrong password says only what it always said.
    wrong = sign_in(client, users["reviewer"].email, "not the password")
    assert wrong.status_code == 401 and "turned off" not in wrong.get_data(as_text=True)

    glass = app.test_client()
    assert sign_in(glass, users["admin"].email, PASSWORD).status_code == 302
    assert glass.get("/").status_code == 200


def test_sign_out_ends_the_session_here(client, idp, make):
    make.user("reviewer", email="dana@example.test")
    _flow(client)
    copied = client.get_cookie("session").value

    response = post_form(client, "/auth/logout", {})

    assert response.headers["Location"] == "/auth/login"
    assert not _signed_in(client)
    assert db.session.scalar(db.select(db.func.count()).select_from(LiveSession)) == 0
    thief = client.application.test_client()
    thief.set_cookie("session", copied)
    assert thief.get(PAGE).status_code == 302  # the copy opens nothing
    assert idp.ended_sessions == []  # the provider's own session is left alone by default


def test_sign_out_can_end_the_provider_session_too(client, idp, app, make):
    make.user("reviewer", email="dana@example.test")
    app.config.update(OIDC_PROVIDER_SIGN_OUT=True)
    _flow(client)

    response = post_form(client, "/auth/logout", {})

    goes = urlsplit(response.headers["Location"])
    assert f"{goes.scheme}://{goes.netloc}{goes.path}" == f"{idp.issuer}/logout"
    asked = parse_qs(goes.query)
    assert asked["post_logout_redirect_uri"] == ["http://localhost/auth/login"]
    assert asked["id_token_hint"][0].count(".") == 2
    assert not _signed_in(client)


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"PASSWORD_SIGNIN": "nobody"}, "PASSWORD_SIGNIN must be one of"),
        ({"PASSWORD_SIGNIN": "break_glass"}, "needs company sign-in"),
        ({"OIDC_ROLE_MAP": {"leads": "boss"}}, "unknown roles ['boss']"),
    ],
)
def test_settings_that_cannot_work_stop_the_start(settings, complaint):
    from qa_app import create_app

    with pytest.raises(ConfigError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": "sqlite://"} | settings)
    assert oidc.PASSWORD_SIGNIN_MODES == ("all", "break_glass")


def test_an_admin_manages_a_password_less_company_account(client, idp, app, users):
    from qa_app.admin import services as admin

    app.config.update(OIDC_CREATE_USERS=True)
    _flow(client)
    dana = db.session.scalar(db.select(User).where(User.email == "dana@example.test"))
    data = admin.UserData(email=dana.email, name=dana.name, role="reviewer", active=True)
    admin.update_user(users["admin"], dana, data)  # no password asked for
    assert dana.role == "reviewer" and dana.password_hash is None
    added = admin.create_user(users["admin"], admin.UserData("lee@example.test", "Lee", "agent"))
    assert added.active and added.password_hash is None
