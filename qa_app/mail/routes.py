"""E-mail pages: each person's preferences, the unsubscribe link (no sign-in:
the signed token says who and what; GET asks, POST does), and the admins'
list of recent messages with their outcome."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.access import public, roles_required, signed_in
from qa_app.extensions import db
from qa_app.feedback.forms import ActionForm
from qa_app.mail import preferences, services
from qa_app.models import EmailDelivery, User
from qa_app.request_args import page_arg

bp = Blueprint("mail", __name__, url_prefix="/mail")
PER_PAGE = 50


def _mail_settings() -> dict:
    cfg = current_app.config
    return {"enabled": services.enabled(), "host": cfg.get("MAIL_HOST"),
            "port": cfg.get("MAIL_PORT"), "security": cfg.get("MAIL_SECURITY"),
            "sender": cfg.get("MAIL_FROM")}  # fmt: skip


@bp.route("/preferences", methods=["GET", "POST"], endpoint="preferences")
@signed_in
def preferences_page():
    form = ActionForm()
    modes = preferences.modes_of(current_user.id)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, "The form expired; reload the page and try again.")
        chosen = {kind: request.form.get(f"mode-{kind}", modes[kind]) for kind in modes}
        wrong = [preferences.label(k) for k, m in chosen.items() if m not in preferences.MODES]
        if wrong:
            flash("Choose immediately, daily digest or off for: " + "; ".join(wrong), "danger")
            return render_template("mail/preferences.html", form=form, rows=_rows(chosen),
                                   mail=_mail_settings()), 400  # fmt: skip
        for kind, mode in chosen.items():
            if mode != modes[kind]:
                preferences.set_mode(current_user.id, kind, mode)
        db.session.commit()
        flash("E-mail preferences saved.", "success")
        return redirect(url_for("mail.preferences"))
    return render_template("mail/preferences.html", form=form, rows=_rows(modes),
                           mail=_mail_settings())  # fmt: skip


def _rows(modes: dict[str, str]) -> list[dict]:
    return [{"kind": k, "label": preferences.label(k), "mode": m} for k, m in modes.items()]


@bp.route("/unsubscribe/<signed>", methods=["GET", "POST"])
@public
def unsubscribe(signed: str):
    found = preferences.read_token(signed)
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        abort(404)
    _, kind = found
    label = "the daily digest" if kind == services.DIGEST_KIND else preferences.label(kind)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, "The form expired; reload the page and try again.")
        services.unsubscribe(user.id, kind)
        return render_template("mail/unsubscribe.html", form=form, label=label, done=True,
                               email=user.email)  # fmt: skip
    return render_template("mail/unsubscribe.html", form=form, label=label, done=False,
                           email=user.email)  # fmt: skip


@bp.route("/deliveries")
@roles_required("admin")
def deliveries():
    page = db.paginate(
        db.select(EmailDelivery).order_by(EmailDelivery.id.desc()),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("mail/deliveries.html", page=page, mail=_mail_settings())
