"""How long a sign-in lasts, and how it ends: on the server, not only in the
browser.

The session is Flask's signed cookie. Sign-in starts a fresh one (nothing set
before it survives, so a session planted by someone else is useless), stamps
when it began and refreshes "last seen" on every request. A session idle for
longer than ``SESSION_IDLE_MINUTES`` or older than ``PERMANENT_SESSION_LIFETIME``
is ended with a message saying why.

A signed cookie cannot be taken back, so forgetting it in the browser alone
would leave any copy of it working. Each sign-in is therefore a row of
``live_sessions`` holding the digest of a random token, and the token is part
of the id Flask-Login keeps in the session and in the remember-me cookie:
``"<user id>:<session version>:<token>"``. The user loader loads nobody whose
row is gone or expired. Signing out, or a timeout, deletes the row of *this*
browser only: someone signing out on their phone stays signed in on their
laptop, which is what signing out means to them (bumping
``User.session_version`` instead would sign out every device). The version
stays the account-wide switch: a password change or a deactivation bumps it and
ends every session of the account (``keep_current`` carries the caller's own
over).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user
from flask_login.utils import decode_cookie

from qa_app.extensions import db
from qa_app.models import LiveSession, User, utcnow

STARTED, SEEN = "signed_in_at", "seen_at"
# "Last seen" is rewritten at most this often (seconds): the idle timeout is
# counted in minutes, and an unchanged session is not re-signed and re-sent as
# a cookie with every response.
SEEN_RESOLUTION = 30
_SESSION_ID = re.compile(r"(\d{1,10}):(\d{1,10}):([A-Za-z0-9_-]{32,64})", re.ASCII)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse(session_id: str) -> tuple[int, int, str] | None:
    """``(user id, session version, token)``, or None for any other form: the
    ``"<id>:<version>"`` of sessions from before live sessions loads nobody."""
    match = _SESSION_ID.fullmatch(session_id)
    return (int(match[1]), int(match[2]), match[3]) if match else None


def is_live(user_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """For the user loader's statement: the session whose token digest is bound
    as ``token_hash`` is live at ``now`` and belongs to ``user_id``."""
    return sa.exists().where(
        LiveSession.user_id == user_id,
        LiveSession.token_hash == sa.bindparam("token_hash"),
        LiveSession.expires_at > sa.bindparam("now"),
    )


def start(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session, live until it ends or expires:
    with the session cookie, or with the remember-me cookie if remembered."""
    held = _held_tokens()  # a new sign-in ends whatever this browser held before
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        LiveSession(
            user_id=user.id,
            token_hash=digest(token),
            started_at=now,
            expires_at=now + _lasts(remember),
        )
    )
    _revoke(held, now)
    db.session.commit()
    session.clear()
    login_user(user, remember=remember)
    # Flask-Login stored ``get_id()``; the token makes the id this browser's,
    # and the remember-me cookie is written from this same value.
    session["_user_id"] = f"{user.get_id()}:{token}"
    if not remember and _remember_cookie() is not None:
        session["_remember"] = "clear"  # an older remember-me cookie goes too
    session.permanent = True  # the cookie expires with PERMANENT_SESSION_LIFETIME
    stamp = int(time.time())
    session[STARTED] = stamp
    session[SEEN] = stamp


def keep_current(user: User) -> None:
    """After ``user``'s session version moved on (a password change), carry
    *this* browser's session over to the new version, and its remember-me
    cookie if it has one; the account's other sessions stay ended."""
    if not (current_user.is_authenticated and current_user.id == user.id):
        return
    parsed = parse(session.get("_user_id", ""))
    if parsed is None:
        return
    session["_user_id"] = f"{user.get_id()}:{parsed[2]}"
    if _remember_cookie() is not None:
        session["_remember"] = "set"  # written again, with the new id


def enforce() -> None:
    """``before_request``, ahead of anything that reads the database: end a
    session that was idle or lived too long.

    Only the cookie's own clocks are read, so a live page costs nothing here;
    the access check then sends a signed-out visitor to sign in."""
    if request.endpoint in (None, "static") or "_user_id" not in session:
        return  # not signed in by a cookie (an API token, or nobody)
    now = int(time.time())
    config = current_app.config
    idle = int(config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    started = session.setdefault(STARTED, now)  # restored from a remember-me cookie
    seen = session.setdefault(SEEN, now)
    if idle and now - seen > idle:
        end(
            f"You were signed out after {config['SESSION_IDLE_MINUTES']} minutes "
            "without activity. Sign in again to continue."
        )
    elif now - started > lifetime:
        end(
            f"Your session reached its maximum length of {_hours(lifetime)}. "
            "Sign in again to continue."
        )
    elif now - seen >= SEEN_RESOLUTION:
        session[SEEN] = now


def end(message: str | None = None) -> None:
    """Sign out: the live sessions of this browser's session and remember-me
    cookies end on the server, the cookies and timestamps go; flash ``message``."""
    held = _held_tokens()
    logout_user()
    session.pop(STARTED, None)
    session.pop(SEEN, None)
    _revoke(held)
    db.session.commit()
    if message:
        flash(message, "info")


def _held_tokens() -> list[str]:
    """The tokens of this browser: its session's and its remember-me cookie's
    (they differ when it signed in again without "keep me signed in")."""
    ids = [session.get("_user_id"), _remember_cookie()]
    return [parsed[2] for parsed in (parse(i) for i in ids if i) if parsed]


def _remember_cookie() -> str | None:
    """The remember-me cookie's session id, if it has one and its signature holds."""
    cookie = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    return decode_cookie(cookie) if cookie else None


def _revoke(tokens: list[str], now: datetime | None = None) -> None:
    """Delete these live sessions, and every expired one with them when ``now``
    is given (sign-in sweeps, so the table holds little more than live rows)."""
    ended = LiveSession.token_hash.in_([digest(t) for t in tokens])
    if now is not None:
        ended = sa.or_(ended, LiveSession.expires_at <= now)
    elif not tokens:
        return
    db.session.execute(db.delete(LiveSession).where(ended))


def _lasts(remember: bool) -> timedelta:
    lifetime = current_app.permanent_session_lifetime
    if not remember:
        return lifetime
    kept = current_app.config["REMEMBER_COOKIE_DURATION"]
    return max(lifetime, kept if isinstance(kept, timedelta) else timedelta(seconds=kept))


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"
