"""Sign-in attempts and live sessions, kept in the database so every web
process sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qa_app.extensions import db
from qa_app.models.types import UTCDateTime, utcnow


class SignInAttempt(db.Model):
    """One sign-in attempt; the throttle counts recent failures per account and
    per address. The e-mail is stored as a SHA-256 of its normalised form, so
    the table never holds what someone typed (a password in the e-mail box)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_account_at", "email_hash", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)


class LiveSession(db.Model):
    """One signed-in browser. Signing in adds a row; signing out, or a timeout,
    deletes it; the user loader loads nobody for a session whose row is gone
    or past ``expires_at``. So a copy of the session or remember-me cookie,
    taken before the end, is worthless after it, and signing out on one device
    leaves the account's other devices signed in (``qa_app.auth.sessions``).
    The cookies carry a random token; the table keeps only its SHA-256, as for
    API tokens, so the table alone cannot be turned back into a session."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The end of the session cookie's lifetime, or of the remember-me cookie's
    # when the browser is remembered: the server's own limit on a kept copy.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
