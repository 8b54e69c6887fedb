"""In-app notifications: written inside the caller's transaction.

Every page shows the unread count in its navigation. The user loader reads it
in the same statement as the signed-in user (``unread_of``) and keeps it for
the request; the functions here that change a count (``notify``,
``mark_read``, ``mark_all_read``: the only writers of notifications) forget
it, so a page that marks notifications read, or creates one for its viewer,
still shows the true count.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.mail import services as mail
from qa_app.models import Notification, utcnow

_KNOWN = "qa_unread_notifications"


def notify(user_id: int, kind: str, title: str, link: str | None = None, body: str = "") -> None:
    db.session.add(
        Notification(user_id=user_id, kind=kind, title=title[:300], link=link, body=body)
    )
    forget_unread()
    mail.queue_notification(user_id, kind, title, link, body)  # by e-mail too, if wanted


def unread_of(user_id: Any) -> Any:
    """The unread count of ``user_id`` (a column or a value) as a scalar subquery."""
    return (
        db.select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def remember_unread(user_id: int, count: int) -> None:
    """Keep the count read with the user for the rest of the request."""
    setattr(g, _KNOWN, (user_id, count))


def unread_count(user_id: int) -> int:
    known = getattr(g, _KNOWN, None) if has_app_context() else None
    if known is not None and known[0] == user_id:
        return known[1]
    return db.session.scalar(db.select(unread_of(user_id))) or 0


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
        forget_unread()


def mark_all_read(user_id: int) -> None:
    """Every unread notification of ``user_id`` read now (commits)."""
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    forget_unread()


def forget_unread() -> None:
    """Drop the kept count (it changed, or a new request begins)."""
    if has_app_context():
        g.pop(_KNOWN, None)
