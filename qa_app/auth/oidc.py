"""Company sign-in: OpenID Connect with any standard provider (Authlib's client).

The flow is the authorization-code flow with PKCE (S256). Authlib keeps the
state, the nonce and the code verifier in this browser's session, checks the
state on the way back, exchanges the code, and verifies the ID token: its
signature against the provider's published keys (only the algorithms its
discovery document lists), issuer, audience (our client id), expiry and the
nonce. Any failure refuses the sign-in with a message; nothing is stored.

Who comes in, and with which role and team, is decided from the verified
claims in ``oidc_accounts``.

The session itself is the password sign-in's (``sessions.start`` / ``end``),
so idle timeout, maximum length and signing out everywhere apply the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, current_app, url_for
from joserfc.errors import JoseError
from requests import RequestException

from qa_app.auth.oidc_accounts import SignInRefusedError, account_for, provider_name
from qa_app.auth.services import normalise_email
from qa_app.models import ROLES, User

log = logging.getLogger(__name__)

NAME = "company"  # the client's name in Authlib's registry (and its session keys)
ID_TOKEN = "oidc_id_token"  # kept in the session for the provider's sign-out
NEXT = "oidc_next"  # where to go after the provider sends the person back
PASSWORD_SIGNIN_MODES = ("all", "break_glass")


@dataclass(frozen=True)
class SignedIn:
    user: User
    id_token: str


def configured(config: Mapping[str, Any] | None = None) -> bool:
    config = config if config is not None else current_app.config
    return bool(config.get("OIDC_DISCOVERY_URL") and config.get("OIDC_CLIENT_ID"))


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse to start with settings that cannot work (called by create_app)."""
    from qa_app.config import ConfigError

    mode = config.get("PASSWORD_SIGNIN", "all")
    if mode not in PASSWORD_SIGNIN_MODES:
        raise ConfigError(f"PASSWORD_SIGNIN must be one of {PASSWORD_SIGNIN_MODES}, not {mode!r}")
    if mode == "break_glass" and not configured(config):
        raise ConfigError(
            "PASSWORD_SIGNIN='break_glass' needs company sign-in: set OIDC_DISCOVERY_URL "
            "and OIDC_CLIENT_ID, or keep PASSWORD_SIGNIN='all'"
        )
    unknown = set((config.get("OIDC_ROLE_MAP") or {}).values()) - set(ROLES)
    if unknown:
        raise ConfigError(f"OIDC_ROLE_MAP maps to unknown roles {sorted(unknown)}; use {ROLES}")


def _emails(value: str | Iterable[str] | None) -> set[str]:
    """A list of addresses, or one comma-separated string (the environment's form)."""
    if not value:
        return set()
    items = value.split(",") if isinstance(value, str) else value
    return {normalise_email(item) for item in items if item.strip()}


def password_allowed(email: str) -> bool:
    """May this account sign in with a password? Everyone with
    ``PASSWORD_SIGNIN = "all"``; only the break-glass addresses otherwise."""
    config = current_app.config
    if config["PASSWORD_SIGNIN"] == "all":
        return True
    return normalise_email(email) in _emails(config["BREAK_GLASS_EMAILS"])


def client() -> Any:
    """This application's Authlib client, registered on first use (the
    discovery document is read then, and kept)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    registry: OAuth | None = app.extensions.get("qa_oidc")
    if registry is None:
        registry = OAuth(app)
        config = app.config
        registry.register(
            NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_DISCOVERY_URL"],
            client_kwargs={
                "scope": config["OIDC_SCOPES"],
                "code_challenge_method": "S256",
                "timeout": config["OIDC_TIMEOUT_SECONDS"],
            },
        )
        app.extensions["qa_oidc"] = registry
    return registry.create_client(NAME)


def redirect_to_provider() -> Any:
    """The redirect that starts the flow (state, nonce and PKCE verifier kept
    in the session by Authlib)."""
    try:
        return client().authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except RequestException as exc:
        log.warning("OIDC discovery failed: %s", exc)
        raise SignInRefusedError(
            f"{provider_name()} could not be reached. Try again later.", 502
        ) from exc


def complete() -> SignedIn:
    """Finish the flow on the callback request: the verified claims, then the
    account they sign in. Raises ``SignInRefusedError`` for every failure."""
    oauth = client()
    try:
        # Authlib checks the audience only through ``azp``: a token issued to
        # another client that names us as its authorized party would pass.
        # Audience and issuer are therefore required here, explicitly.
        issuer = oauth.load_server_metadata().get("issuer")
        token = oauth.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "values": [issuer]},
                "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]},
            }
        )
    except OAuthError as exc:
        if exc.error == "mismatching_state":
            raise SignInRefusedError(
                "This sign-in did not start here or took too long. Try again.", 400
            ) from exc
        log.warning("OIDC refused: %s %s", exc.error, exc.description)
        raise SignInRefusedError(
            f"{provider_name()} did not sign you in ({exc.error}).", 401
        ) from exc
    except JoseError as exc:
        # Bad signature, expired, wrong audience or issuer, nonce not ours.
        log.warning("OIDC ID token refused: %r", exc)
        raise SignInRefusedError(
            f"The answer from {provider_name()} could not be verified. Try again.", 401
        ) from exc
    except RequestException as exc:
        log.warning("OIDC token exchange failed: %s", exc)
        raise SignInRefusedError(
            f"{provider_name()} could not be reached. Try again later.", 502
        ) from exc
    if "userinfo" not in token:
        raise SignInRefusedError(f"{provider_name()} sent no ID token. Check OIDC_SCOPES.", 401)
    claims = dict(token["userinfo"])
    claims = {**_userinfo(oauth, claims["sub"]), **claims}
    return SignedIn(user=account_for(claims), id_token=token["id_token"])


def _userinfo(oauth: Any, subject: str) -> dict[str, Any]:
    """The userinfo endpoint's claims (some providers put e-mail or groups only
    there), kept only when they are about the ID token's subject."""
    if not oauth.load_server_metadata().get("userinfo_endpoint"):
        return {}
    try:
        info = dict(oauth.userinfo())
    except (RequestException, ValueError) as exc:
        log.warning("OIDC userinfo failed: %s", exc)
        return {}
    return info if info.get("sub") == subject else {}


def provider_logout_url(id_token: str) -> str | None:
    """The provider's end-session URL (RP-initiated logout) when turned on and
    advertised; None otherwise."""
    if not (configured() and current_app.config["OIDC_PROVIDER_SIGN_OUT"]):
        return None
    oauth = client()
    try:
        if not oauth.load_server_metadata().get("end_session_endpoint"):
            return None
    except RequestException:
        return None
    done = url_for("auth.login", _external=True)
    return oauth.create_logout_url(post_logout_redirect_uri=done, id_token_hint=id_token)["url"]
