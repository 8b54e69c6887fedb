"""In-app notifications: written inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Notification, utcnow


def notify(user_id: int, kind: str, title: str, link: str | None = None, body: str = "") -> None:
    db.session.add(
        Notification(user_id=user_id, kind=kind, title=title[:300], link=link, body=body)
    )


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            db.select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
