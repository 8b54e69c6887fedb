"""The API tokens page: create (shown once), list and revoke; admins see everyone's."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from qa_app.access import roles_required, signed_in
from qa_app.api import tokens
from qa_app.api.forms import RevokeForm, TokenForm
from qa_app.extensions import db
from qa_app.models import User, utcnow
from qa_app.request_args import id_arg

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    """Create and list. The new secret is rendered in the POST's own response
    rather than after a redirect: carrying it across a redirect would put it in
    the session cookie, which is signed but not encrypted."""
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            created = tokens.create(
                current_user, form.name.data, expires_in_days=form.expires_in_days.data
            )
        except tokens.TokenError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif request.method == "POST":
        status = 422
    response = make_response(
        render_template(
            "api/tokens.html",
            form=form,
            created=created,
            tokens=tokens.tokens_of(current_user),
            revoke_form=RevokeForm(),
            now=utcnow(),
        ),
        status,
    )
    # The new token is in this page only: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    token = tokens.manageable(current_user, token_id)
    if token is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    if tokens.revoke(current_user, token):
        flash(f"Token {token.name} ({token.prefix}…) revoked; it no longer works.", "success")
    else:
        flash(f"Token {token.name} was already revoked.", "info")
    if form.back.data == "admin" and current_user.role == "admin":
        return redirect(url_for("tokens.everyone"))
    return redirect(url_for("tokens.index"))


@bp.route("/all")
@roles_required("admin")
def everyone():
    user_id = id_arg("user_id")
    owner = db.session.get(User, user_id) if user_id else None
    found = tokens.all_tokens()
    if owner is not None:
        found = [t for t in found if t.user_id == owner.id]
    return render_template(
        "api/all_tokens.html",
        tokens=found,
        owner=owner,
        revoke_form=RevokeForm(back="admin"),
        now=utcnow(),
    )
