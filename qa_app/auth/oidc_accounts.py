"""Who a company sign-in lets in, from the ID token's verified claims.

The account is the one with the token's e-mail, and only when the provider
says that e-mail is verified (``email_verified`` true): an unverified e-mail
is anyone's to type. A person with no account gets one only when
``OIDC_CREATE_USERS`` allows it. Role and team follow the configured claims at
every sign-in when they map to something; otherwise they are left as they
are, to an admin.

A created account without a role claim gets the least-privileged role,
``agent``, rather than waiting inactive: the provider has already decided that
this person may use the application, an agent sees only their own contacts
and feedback (none yet), and an inactive account would leave the person at a
dead end until an admin happened to look.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from qa_app import audit
from qa_app.auth.services import normalise_email
from qa_app.extensions import db
from qa_app.models import ROLES, Team, User

LEAST_PRIVILEGED = ROLES[-1]  # "agent"


class SignInRefusedError(Exception):
    """The company sign-in did not let this person in: ``message`` says why
    in words for them, ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


def account_for(claims: Mapping[str, Any]) -> User:
    """The active account these verified claims sign in, created when allowed;
    role and team brought in line with the configured claims."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or claims.get("email_verified") is not True:
        raise SignInRefusedError(
            f"{provider_name()} did not give a verified e-mail address, so no account "
            "here can be matched. Ask your administrator."
        )
    email = normalise_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    role, team = _role(claims), _team(claims)
    if user is None:
        if not current_app.config["OIDC_CREATE_USERS"]:
            raise SignInRefusedError(
                f"No account here uses {email}. Ask an administrator to add you."
            )
        user = _create(email, claims, role, team)
    elif not user.active:
        raise SignInRefusedError("Your account here is not active. Ask an administrator.")
    else:
        _follow_claims(user, role, team)
    audit.record(
        user,
        "user.signed_in",
        "user",
        user.id,
        None,
        {"method": "oidc", "issuer": claims.get("iss"), "subject": claims.get("sub")},
    )
    db.session.commit()
    return user


def _create(email: str, claims: Mapping[str, Any], role: str | None, team: Team | None) -> User:
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    user = User(
        email=email,
        name=(name or email.partition("@")[0]).strip()[:120],
        role=role or LEAST_PRIVILEGED,
        team_id=team.id if team else None,
        active=True,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same person's other sign-in created it just now
        db.session.rollback()
        raise SignInRefusedError("Your account was being created. Sign in again.", 409) from exc
    after = {"email": user.email, "name": user.name, "role": user.role, "team_id": user.team_id}
    audit.record(None, "user.created", "user", user.id, None, after | {"via": "oidc"})
    return user


def _follow_claims(user: User, role: str | None, team: Team | None) -> None:
    """The provider is the source of truth for whatever a claim maps to."""
    before = {"role": user.role, "team_id": user.team_id}
    if role is not None:
        user.role = role
    if team is not None:
        user.team_id = team.id
    after = {"role": user.role, "team_id": user.team_id}
    if after != before:
        action = "user.role_changed" if before["role"] != after["role"] else "user.updated"
        audit.record(None, action, "user", user.id, before, after | {"via": "oidc"})


def _values(claims: Mapping[str, Any], name: str | None) -> list[str]:
    if not name:
        return []
    value = claims.get(name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def _role(claims: Mapping[str, Any]) -> str | None:
    """The most privileged role the role claim's values map to, or None."""
    mapping = current_app.config["OIDC_ROLE_MAP"] or {}
    mapped = {
        mapping[v] for v in _values(claims, current_app.config["OIDC_ROLE_CLAIM"]) if v in mapping
    }
    return next((role for role in ROLES if role in mapped), None)


def _team(claims: Mapping[str, Any]) -> Team | None:
    """The existing team named by the team claim (teams are never created
    from a claim: a typo at the provider must not make a team)."""
    names = _values(claims, current_app.config["OIDC_TEAM_CLAIM"])
    if not names:
        return None
    return db.session.scalar(db.select(Team).where(Team.name == names[0].strip()))
