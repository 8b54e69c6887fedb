"""Sign-in attempts, kept in the database so every web process sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
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
