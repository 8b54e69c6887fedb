"""Webhook pages (admins): the endpoints, one endpoint with its recent
deliveries, and the actions: register, pause, resume, delete, replay."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from qa_app import audit
from qa_app.access import roles_required
from qa_app.extensions import db
from qa_app.feedback.forms import ActionForm
from qa_app.models import WebhookDelivery, WebhookEndpoint, utcnow
from qa_app.request_args import page_arg
from qa_app.webhooks import addresses, delivery
from qa_app.webhooks.events import KINDS
from qa_app.webhooks.forms import EndpointForm

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
PER_PAGE = 50
ACTIONS = ("pause", "resume", "delete")


def _allow_private() -> bool:
    return bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"])


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    form = EndpointForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                addresses.vet(form.url.data, _allow_private())
            except addresses.UnsafeAddressError as exc:
                form.url.errors = [*form.url.errors, str(exc)]
            else:
                endpoint = WebhookEndpoint(
                    url=form.url.data.strip(),
                    kinds=[k for k in KINDS if k in form.kinds.data],
                    description=(form.description.data or "").strip(),
                    secret=secrets.token_urlsafe(32),
                    owner_id=current_user.id,
                )
                db.session.add(endpoint)
                db.session.flush()
                audit.record(current_user, "webhook.created", "webhook_endpoint", endpoint.id,
                             None, {"url": endpoint.url, "kinds": endpoint.kinds})  # fmt: skip
                db.session.commit()
                flash("Endpoint registered. Its secret is shown on its page.", "success")
                return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
        status = 400
    endpoints = db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    return render_template("webhooks/index.html", form=form, endpoints=endpoints, kinds=KINDS,
                           allow_private=_allow_private()), status  # fmt: skip


@bp.route("/<int:endpoint_id>")
@roles_required("admin")
def endpoint(endpoint_id: int):
    row = db.get_or_404(WebhookEndpoint, endpoint_id)
    page = db.paginate(
        db.select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == row.id)
        .order_by(WebhookDelivery.id.desc()),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("webhooks/endpoint.html", endpoint=row, page=page, kinds=KINDS,
                           action=ActionForm())  # fmt: skip


@bp.route("/<int:endpoint_id>/<action>", methods=["POST"])
@roles_required("admin")
def endpoint_action(endpoint_id: int, action: str):
    row = db.get_or_404(WebhookEndpoint, endpoint_id)
    if action not in ACTIONS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    before = {"paused": row.paused_at is not None}
    if action == "pause" and row.paused_at is None:
        delivery.pause(row, utcnow(), f"Paused by {current_user.name}.")
    elif action == "resume":
        delivery.resume(row)
    elif action == "delete":
        audit.record(current_user, "webhook.deleted", "webhook_endpoint", row.id,
                     {"url": row.url}, None)  # fmt: skip
        db.session.delete(row)
        db.session.commit()
        flash("Endpoint deleted.", "success")
        return redirect(url_for("webhooks.index"))
    audit.record(current_user, f"webhook.{action}d", "webhook_endpoint", row.id, before,
                 {"paused": row.paused_at is not None})  # fmt: skip
    db.session.commit()
    return redirect(url_for("webhooks.endpoint", endpoint_id=row.id))


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@roles_required("admin")
def replay(delivery_id: int):
    row = db.get_or_404(WebhookDelivery, delivery_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    if row.endpoint.paused_at is not None:
        flash("This endpoint is paused: resume it first, then replay.", "warning")
        return redirect(url_for("webhooks.endpoint", endpoint_id=row.endpoint_id))
    again = delivery.replay(row)
    db.session.commit()
    flash(f"Delivery #{row.id} queued again as #{again.id}.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=row.endpoint_id))
