"""Creating, listing, revoking and checking personal API tokens.

A token is ``qat_`` plus 32 random bytes (URL-safe base64). It is shown once,
when created; afterwards only its SHA-256 digest and a short prefix exist, so a
leaked database does not leak working tokens. Creation and revocation are
audited in the same transaction as the change.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import ApiToken, User, utcnow

SCHEME = "qat_"
PREFIX_LENGTH = 12  # "qat_" and 8 random characters: enough to tell tokens apart
# Writing last_used_at on every request would turn each read into a write;
# once a minute is precise enough to answer "is this token still in use?".
TOUCH_EVERY = timedelta(minutes=1)
EXPIRY_CHOICES = (0, 30, 90, 365)  # days; 0 = never


@dataclass(frozen=True)
class Created:
    token: ApiToken
    secret: str  # the only moment the plain token exists


class TokenError(ValueError):
    """A request the token page refuses, with a message for the person."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(
    actor: User, name: str, *, expires_in_days: int = 0, now: datetime | None = None
) -> Created:
    """A new token for ``actor``; the plain secret is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise TokenError("Give the token a name of 1 to 80 characters.")
    if expires_in_days not in EXPIRY_CHOICES:
        raise TokenError("Choose an expiry from the list.")
    now = now or utcnow()
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        "api_token.created",
        "api_token",
        token.id,
        None,
        {"user_id": actor.id, "name": name, "prefix": token.prefix, "expires_at": _iso(token)},
    )
    db.session.commit()
    return Created(token, secret)


def _iso(token: ApiToken) -> str | None:
    return token.expires_at.isoformat() if token.expires_at else None


def tokens_of(user: User) -> list[ApiToken]:
    query = (
        db.select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def all_tokens() -> list[ApiToken]:
    """Every token with its owner, live ones first (the admin's view)."""
    query = (
        db.select(ApiToken)
        .options(db.joinedload(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def manageable(actor: User, token_id: int) -> ApiToken | None:
    """The token if ``actor`` owns it or is an admin; None otherwise (the page
    answers 404, so nobody learns which token ids exist)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != "admin"):
        return None
    return token


def revoke(actor: User, token: ApiToken, now: datetime | None = None) -> bool:
    """Revoke; False when it already was (nothing changes, nothing is audited)."""
    if token.revoked_at is not None:
        return False
    _revoke(actor, token, now or utcnow())
    db.session.commit()
    return True


def revoke_all_of(actor: User, owner: User, now: datetime | None = None) -> int:
    """Revoke every token of ``owner`` not yet revoked, each audited; the
    caller commits. For a deactivation: refusing the tokens of an inactive
    account is not enough, since reactivating it would bring them back."""
    now = now or utcnow()
    live = db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        _revoke(actor, token, now)
    return len(live)


def _revoke(actor: User, token: ApiToken, now: datetime) -> None:
    token.revoked_at = now
    token.revoked_by_id = actor.id
    audit.record(
        actor,
        "api_token.revoked",
        "api_token",
        token.id,
        {"revoked_at": None},
        {
            "user_id": token.user_id,
            "prefix": token.prefix,
            "revoked_at": token.revoked_at.isoformat(),
        },
    )


def authenticate(secret: str, now: datetime | None = None) -> User | None:
    """The active user a presented token belongs to, or None when the token is
    unknown, revoked, expired, or its user is deactivated."""
    if not secret.startswith(SCHEME) or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = now or utcnow()
    if token is None or not token.usable(now):
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return user
