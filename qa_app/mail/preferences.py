"""Who gets which notification kind by e-mail, and how: immediately, in the
daily digest, or not at all.

Every person has a mode per kind; without a stored choice the kind's default
applies (what needs a reply soon goes at once, reminders wait for the digest).
A kind added later without an entry here goes at once and is listed by its name.
An unsubscribe link carries a signed (user, kind) token, so it works without
signing in and cannot be forged for somebody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from qa_app.extensions import db
from qa_app.models import MailPreference
from qa_app.models.outbound import MAIL_MODES

MODES = MAIL_MODES
FALLBACK_MODE = "immediate"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    default: str


# Every kind ``notify()`` is called with (grep "notify(" in qa_app).
KINDS = {
    kind.name: kind
    for kind in (
        Kind("evaluation", "Evaluations of my work, and my closed drafts", "immediate"),
        Kind("dispute", "Disputes: decisions, and disputes of my evaluations", "immediate"),
        Kind("coaching", "Coaching sessions planned with me", "immediate"),
        Kind("coaching_item_due", "Coaching action items falling due", "digest"),
        Kind("assignment", "Interactions assigned to me for review", "digest"),
        Kind("calibration", "Calibration sessions: invitations and reveals", "immediate"),
        Kind("webhook", "Webhook endpoints paused after failing (admins)", "immediate"),
    )
}


def label(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind.replace("_", " ").capitalize()


def default_mode(kind: str) -> str:
    return KINDS[kind].default if kind in KINDS else FALLBACK_MODE


def modes_of(user_id: int) -> dict[str, str]:
    """Every known kind's mode for ``user_id`` (stored choices over defaults)."""
    stored = dict(
        db.session.execute(
            db.select(MailPreference.kind, MailPreference.mode).where(
                MailPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: default_mode(kind) for kind in KINDS} | stored


def mode_for(user_id: int, kind: str) -> str:
    stored = db.session.scalar(
        db.select(MailPreference.mode).where(
            MailPreference.user_id == user_id, MailPreference.kind == kind
        )
    )
    return stored or default_mode(kind)


def set_mode(user_id: int, kind: str, mode: str) -> None:
    """Store one choice (the caller commits); an unknown mode is a ValueError."""
    if mode not in MODES:
        raise ValueError(f"unknown e-mail mode {mode!r}; choose from {', '.join(MODES)}")
    row = db.session.scalar(
        db.select(MailPreference).where(
            MailPreference.user_id == user_id, MailPreference.kind == kind
        )
    )
    if row is None:
        db.session.add(MailPreference(user_id=user_id, kind=kind[:40], mode=mode))
    else:
        row.mode = mode


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _signer().dumps({"u": user_id, "k": kind})


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a genuine token, else None."""
    try:
        data = _signer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    return (data["u"], kind) if isinstance(kind, str) and kind else None
