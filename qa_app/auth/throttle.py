"""Sign-in rate limiting per account and per address, counted in the database.

Counting in the database (table ``sign_in_attempts``) means every web process
and machine sees the same numbers. An account is refused after
``SIGNIN_ACCOUNT_FAILURES`` failures within ``SIGNIN_WINDOW_MINUTES`` (a
successful sign-in starts the count again), an address after
``SIGNIN_ADDRESS_FAILURES``. The count is by the normalised e-mail whether or
not an account has it, so the refusal says nothing about who has an account.

``admit`` checks and records an attempt as one step under a database lock
per account and per address, so concurrent attempts cannot all pass the check
before any of them is counted.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement

from qa_app import locks
from qa_app.auth.services import normalise_email
from qa_app.extensions import db
from qa_app.models import SignInAttempt, utcnow

KEEP = timedelta(days=1)  # attempts older than this (and the window) are deleted


@dataclass(frozen=True)
class Refusal:
    retry_at: datetime
    now: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.retry_at - self.now).total_seconds()))

    @property
    def message(self) -> str:
        minutes = math.ceil(self.seconds / 60)
        return (
            "Too many failed sign-in attempts. Try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''} (after "
            f"{self.retry_at:%H:%M} UTC)."
        )


def email_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()


def _window() -> timedelta:
    return timedelta(minutes=float(current_app.config["SIGNIN_WINDOW_MINUTES"]))


def check(email: str, address: str, now: datetime | None = None) -> Refusal | None:
    """A refusal if the account or the address has failed too often lately."""
    now = now or utcnow()
    config = current_app.config
    since = now - _window()
    key = email_key(email)
    last_success = db.session.scalar(
        db.select(db.func.max(SignInAttempt.at)).where(
            SignInAttempt.email_hash == key, SignInAttempt.succeeded.is_(True)
        )
    )
    account_since = max(since, last_success) if last_success else since
    account = config["SIGNIN_ACCOUNT_FAILURES"]
    retry = [
        _retry_at(SignInAttempt.email_hash == key, account, account_since),
        _retry_at(SignInAttempt.address == address, config["SIGNIN_ADDRESS_FAILURES"], since),
    ]
    latest = max((r for r in retry if r is not None), default=None)
    return Refusal(latest, now) if latest is not None and latest > now else None


def _retry_at(who: ColumnElement[bool], limit: int, since: datetime) -> datetime | None:
    """When the ``limit``-th most recent failure leaves the window, or None
    while there are fewer than ``limit`` failures since ``since``."""
    at = db.session.scalar(
        db.select(SignInAttempt.at)
        .where(who, SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)
        .order_by(SignInAttempt.at.desc())
        .offset(max(int(limit), 1) - 1)
        .limit(1)
    )
    return None if at is None else at + _window()


def admit(email: str, address: str, now: datetime | None = None) -> SignInAttempt | Refusal:
    """The refusal, or the attempt, recorded as a failure until ``succeeded``.

    Checking first and recording after the password was checked let
    concurrent requests all pass the check before any was counted (40 at once
    for one account: 8 recorded and answered, with a limit of 5). Here the
    check and the record happen under two database locks (``qa_app.locks``:
    an advisory lock on PostgreSQL, the write lock on SQLite), one for the
    account and one for the address, held until the attempt is committed; and
    the attempt counts as a failure from then on. So however many arrive at
    once, at most the limit are admitted and every other one is refused.
    The account's lock is always taken before the address's: no two requests
    can wait for each other.
    """
    key, address = email_key(email), address[:64]
    locks.hold("signin.account", locks.slot(key))
    locks.hold("signin.address", locks.slot(address))
    now = now or utcnow()  # read once the locks are held, so times follow the order
    refusal = check(email, address, now)
    if refusal is not None:
        db.session.rollback()  # nothing recorded; the locks are released
        return refusal
    return record(email, address, succeeded=False, now=now)


def succeeded(attempt: SignInAttempt) -> None:
    """The admitted attempt had the right password: it starts the count again."""
    attempt.succeeded = True
    db.session.commit()


def record(email: str, address: str, succeeded: bool, now: datetime | None = None) -> SignInAttempt:
    """Store one attempt and drop the ones too old to matter (no check: see
    ``admit``)."""
    now = now or utcnow()
    attempt = SignInAttempt(email_hash=email_key(email), address=address[:64], at=now)
    attempt.succeeded = succeeded
    db.session.add(attempt)
    db.session.execute(
        db.delete(SignInAttempt).where(SignInAttempt.at < now - max(KEEP, _window()))
    )
    db.session.commit()
    return attempt
