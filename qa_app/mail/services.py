"""Outgoing e-mail: queued with the notification, sent by a job, each outcome kept.

``notify()`` calls ``queue_notification`` inside the caller's transaction: when
mail is on (MAIL_HOST) and the person wants that kind at once, an
``EmailDelivery`` row is added, rendered from the templates in
``templates/mail/email/``, and a worker is asked to run ``send_due`` a moment
later (after the commit). The row commits or rolls back with the notification,
so a message exists exactly when its notification does.

``send_due`` (that kick, and the every-minute sweep, which also catches what a
kick missed) claims each due row, sends it and records the outcome: sent, a
refusal (5xx, failed at once with the server's words), or a temporary failure
retried with a doubling delay until MAIL_MAX_ATTEMPTS. ``send_digests`` (daily,
MAIL_DIGEST_HOUR UTC) gathers each person's digest kinds into one message.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab

from qa_app import locks, outbox
from qa_app.extensions import db
from qa_app.jobs import queue
from qa_app.mail import preferences, smtp
from qa_app.models import EmailDelivery, Notification, User, utcnow

SEND_TASK = "mail.send_due"
DIGEST_KIND = "digest"  # the kind of a digest message, and its unsubscribe token's
DIGEST_WINDOW = timedelta(hours=24)
DIGEST_GAP = timedelta(hours=20)  # a second digest within this is not sent


def enabled() -> bool:
    return bool(current_app.config.get("MAIL_HOST"))


def absolute(path: str | None) -> str:
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return f"{base}{path or '/'}"


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = preferences.unsubscribe_token(user_id, kind)
    path = current_app.url_map.bind("localhost").build("mail.unsubscribe", {"signed": token})
    return absolute(path)


def queue_notification(user_id: int, kind: str, title: str, link: str | None, body: str) -> None:
    """Add the e-mail of one notification when its recipient wants it at once.
    Reads only (no flush): the caller's transaction keeps its order of writes."""
    if not enabled():
        return
    with db.session.no_autoflush:
        if preferences.mode_for(user_id, kind) != "immediate":
            return
        user = db.session.get(User, user_id)
        if user is None or not user.active or not user.email:
            return
        unsubscribe = unsubscribe_url(user_id, kind)
        context = {
            "user": user,
            "title": title,
            "body": body,
            "link": absolute(link) if link else None,
            "kind_label": preferences.label(kind),
            "unsubscribe": unsubscribe,
            "preferences": absolute(_path("mail.preferences")),
        }
        db.session.add(
            EmailDelivery(
                user_id=user_id,
                to_address=user.email,
                kind=kind[:40],
                subject=title[:300],
                text_body=_render("mail/email/notification.txt", **context),
                html_body=_render("mail/email/notification.html", **context),
                unsubscribe_url=unsubscribe,
            )
        )
    queue.kick(SEND_TASK, delay=float(current_app.config.get("MAIL_KICK_DELAY", 2)))


def _render(name: str, **context) -> str:
    """A mail template alone: no request, so none of the pages' context processors."""
    return current_app.jinja_env.get_template(name).render(**context)


def _path(endpoint: str) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, {})


@queue.task(SEND_TASK)
def send_due(now: datetime | None = None) -> int:
    """Send every due message; the number sent."""
    now = now or utcnow()
    sent = 0
    for row_id in outbox.due_ids(EmailDelivery, now):
        row = outbox.claim(EmailDelivery, row_id, now)
        if row is not None:
            sent += attempt(row, now)
    return sent


def attempt(row: EmailDelivery, now: datetime) -> bool:
    """One try at ``row`` (claimed): its outcome recorded and committed."""
    cfg = current_app.config
    if not enabled():
        row.status, row.error = "failed", "E-mail is off on this server (MAIL_HOST is not set)."
        db.session.commit()
        return False
    message = smtp.build(
        cfg, row.to_address, row.subject, row.text_body, row.html_body, row.unsubscribe_url
    )
    try:
        smtp.send(cfg, message)
    except smtp.PermanentError as exc:
        row.status, row.error = "failed", f"Refused: {exc}"
    except smtp.TemporaryError as exc:
        outbox.retry_or_fail(
            row, now, str(exc), int(cfg["MAIL_MAX_ATTEMPTS"]), float(cfg["MAIL_RETRY_SECONDS"])
        )
    else:
        row.status, row.sent_at, row.error = "sent", now, ""
    if row.status != "sent":
        current_app.logger.warning("e-mail %s to %s: %s", row.id, row.to_address, row.error)
    db.session.commit()
    return row.status == "sent"


def _daily(app) -> crontab:
    return crontab(minute="0", hour=str(app.config["MAIL_DIGEST_HOUR"]))


@queue.task("mail.digest", schedule=_daily)
def send_digests(now: datetime | None = None) -> int:
    """Queue one digest per person with notifications of a digest kind since
    their last digest (at most a day back), then send. Returns how many were queued."""
    if not enabled():
        return 0
    now = now or utcnow()
    locks.hold("mail.digest")  # two consumers' schedulers: one digest each
    last = dict(
        db.session.execute(
            db.select(EmailDelivery.user_id, db.func.max(EmailDelivery.created_at))
            .where(EmailDelivery.kind == DIGEST_KIND)
            .where(EmailDelivery.created_at > now - DIGEST_WINDOW)
            .group_by(EmailDelivery.user_id)
        ).all()
    )
    rows = db.session.scalars(
        db.select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(Notification.created_at > now - DIGEST_WINDOW, User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at)
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in rows:
        since = last.get(n.user_id)
        if since is None or (since <= now - DIGEST_GAP and n.created_at > since):
            by_user[n.user_id].append(n)
    queued = 0
    default = preferences.default_mode
    for user_id, items in by_user.items():
        modes = preferences.modes_of(user_id)
        chosen = [n for n in items if modes.get(n.kind, default(n.kind)) == "digest"]
        if chosen:
            _queue_digest(db.session.get(User, user_id), chosen)
            queued += 1
    db.session.commit()
    if queued:
        send_due(now)
    return queued


def _queue_digest(user: User, items: list[Notification]) -> None:
    groups: dict[str, list[dict]] = defaultdict(list)
    for n in items:
        link = absolute(n.link) if n.link else None
        groups[n.kind].append({"title": n.title, "body": n.body, "link": link, "at": n.created_at})
    sections = [
        {
            "label": preferences.label(kind),
            "items": entries,
            "unsubscribe": unsubscribe_url(user.id, kind),
        }
        for kind, entries in groups.items()
    ]
    unsubscribe = unsubscribe_url(user.id, DIGEST_KIND)
    context = {
        "user": user,
        "sections": sections,
        "count": len(items),
        "unsubscribe": unsubscribe,
        "preferences": absolute(_path("mail.preferences")),
    }
    db.session.add(
        EmailDelivery(
            user_id=user.id,
            to_address=user.email,
            kind=DIGEST_KIND,
            subject=f"Your daily digest: {len(items)} notification(s)",
            text_body=_render("mail/email/digest.txt", **context),
            html_body=_render("mail/email/digest.html", **context),
            unsubscribe_url=unsubscribe,
        )
    )


def unsubscribe(user_id: int, kind: str) -> list[str]:
    """Turn e-mail of ``kind`` off for ``user_id`` (the digest token: every kind
    now in the digest); returns the kinds turned off. Commits."""
    if kind == DIGEST_KIND:
        kinds = [k for k, mode in preferences.modes_of(user_id).items() if mode == "digest"]
    else:
        kinds = [kind]
    for k in kinds:
        preferences.set_mode(user_id, k, "off")
    db.session.commit()
    return kinds


@queue.task("mail.sweep", schedule=lambda app: crontab(minute="*"))
def sweep() -> None:
    """Every minute in the consumer: retries that fell due, and what a kick missed."""
    if enabled():
        send_due()
