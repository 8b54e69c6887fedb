"""Subject export pages: an agent downloads their own data; an admin downloads
it on a person's behalf from the user page. Downloads are POSTs (CSRF-checked,
audited), never a link a browser might prefetch."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from qa_app.access import roles_required
from qa_app.extensions import db
from qa_app.feedback.forms import ActionForm
from qa_app.models import User
from qa_app.privacy import export, jobs, retention

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.route("/my-data", methods=["GET", "POST"])
@roles_required("agent")
def my_data():
    """The signed-in agent's own data: there is no id to change, so no one else's."""
    form = ActionForm()
    if form.validate_on_submit():
        return _download(current_user)
    return render_template("privacy/my_data.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/export", methods=["POST"])
@roles_required("admin")
def export_user(user_id: int):
    subject = db.get_or_404(User, user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return Response("The form expired; reload the user page and try again.", 400)
    return _download(subject)


@bp.route("/retention", methods=["GET", "POST"])
@roles_required("admin")
def retention_page():
    """The dry-run report first; the purge itself is a background job."""
    form = ActionForm()
    if form.validate_on_submit():
        job = jobs.start_purge(current_user)
        flash("The purge is queued; this page shows its progress.", "info")
        return redirect(url_for("jobs.detail", job_id=job.id))
    try:
        report, problem = retention.purge_transcripts(dry_run=True), None
    except ValueError as exc:
        report, problem = None, str(exc)
    status = 400 if form.errors else 200
    return render_template("privacy/retention.html", form=form, report=report,
                           problem=problem), status  # fmt: skip


def _download(subject: User) -> Response:
    name, body = export.export_subject(current_user, subject)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
