"""How long a sign-in lasts: an idle timeout and an absolute lifetime.

The session is Flask's signed cookie. Sign-in starts a fresh one (nothing set
before it survives, so a session planted by someone else is useless), stamps
when it began and refreshes "last seen" on every request. A session idle for
longer than ``SESSION_IDLE_MINUTES`` or older than ``PERMANENT_SESSION_LIFETIME``
is ended with a message saying why. A password change ends every other session
of the account (``User.session_version``, checked by the user loader).
"""

from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user

from qa_app.models import User

STARTED, SEEN = "signed_in_at", "seen_at"
# "Last seen" is rewritten at most this often (seconds): the idle timeout is
# counted in minutes, and an unchanged session is not re-signed and re-sent as
# a cookie with every response.
SEEN_RESOLUTION = 30


def start(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session."""
    session.clear()
    login_user(user, remember=remember)
    session.permanent = True  # the cookie expires with PERMANENT_SESSION_LIFETIME
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


def keep_current(user: User) -> None:
    """After ``user``'s password changed, keep *this* session signed in."""
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(user)


def enforce() -> None:
    """``before_request``: end a session that was idle or lived too long.

    Runs before the access check, which then sends the visitor to sign in."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return
    if "_user_id" not in session:  # signed in by a request loader (API token), not a cookie
        return
    now = int(time.time())
    config = current_app.config
    idle = int(config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    started = session.setdefault(STARTED, now)  # restored from a remember-me cookie
    seen = session.get(SEEN, now)
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
    """Sign out and forget the session's timestamps; flash ``message``."""
    logout_user()
    session.pop(STARTED, None)
    session.pop(SEEN, None)
    if message:
        flash(message, "info")


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"
