"""The inbox: every signed-in user's notifications, newest first.

Opening a notification marks it read and follows its link, but only to a
path on this site: a stored link is never an open redirect. On opening, the
inbox first creates any "action item due" reminders owed to the signed-in
agent (``coaching.remind_due``; ``flask feedback remind`` does the same for
everyone, e.g. from a daily cron job).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from qa_app.access import signed_in
from qa_app.extensions import db
from qa_app.feedback import coaching
from qa_app.feedback.forms import ActionForm
from qa_app.models import Notification, utcnow
from qa_app.notifications import mark_all_read, mark_read, unread_count
from qa_app.request_args import page_arg

bp = Blueprint("inbox", __name__, url_prefix="/notifications")
PER_PAGE = 30


def badge() -> dict[str, Any]:
    """Context processor: the unread count for the navigation badge."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(current_user.id)}


def safe_link(link: str | None) -> str | None:
    """The link if it is a path on this site, else None."""
    if not link or "\\" in link or any(ord(c) < 32 for c in link):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith("//"):
        return None
    return link


@bp.route("/")
@signed_in
def index():
    if current_user.role == "agent":
        coaching.remind_due(utcnow().date(), agent_id=current_user.id)
    query = (
        db.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("inbox/index.html", page=page, action=ActionForm())


@bp.route("/<int:notification_id>")
@signed_in
def follow(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(notification)
    return redirect(safe_link(notification.link) or url_for("inbox.index"))


@bp.route("/read-all", methods=["POST"])
@signed_in
def read_all():
    mark_all_read(current_user.id)
    flash("All notifications marked as read.", "info")
    return redirect(url_for("inbox.index"))
