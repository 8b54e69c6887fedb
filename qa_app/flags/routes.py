"""Flagging pages: the flagged queue (reviewers) and the model registry (leads)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from qa_app.access import roles_required
from qa_app.extensions import db
from qa_app.flags import jobs, queue, services
from qa_app.flags.forms import QueueFilterForm, ReviewForm, SendForm, TrainForm
from qa_app.interactions.transcript import clock
from qa_app.jobs import runner
from qa_app.models import Flag, FlagModel, Interaction, Team
from qa_app.request_args import filter_status, page_arg
from qa_app.reviews.services import reviewable_scorecards, reviewers, scorecards_for

bp = Blueprint("flags", __name__, url_prefix="/flags")
REVIEWERS = ("admin", "executive", "reviewer")
LEADS = ("admin", "executive")


# For ``flags/_flags.html``: a reason's turn time as on the interaction page (mm:ss).
bp.add_app_template_global(clock, "flags_clock")


@bp.app_template_global("flags_can_review")
def can_review() -> bool:
    """For ``flags/_flags.html`` (imported without context on other pages)."""
    return current_user.is_authenticated and current_user.role in REVIEWERS


def _send_form() -> SendForm:
    form = SendForm()
    form.scorecard_id.choices = [
        SelectChoice(c.id, f"{c.name} ({c.channel})") for c in reviewable_scorecards()
    ]
    form.reviewer_id.choices = [SelectChoice(u.id, u.name) for u in reviewers()]
    return form


def _back(default: str):
    """Redirect to the local page given in ``next`` (never another site)."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return redirect(target)
    return redirect(default)


@bp.route("/")
@roles_required(*REVIEWERS)
def queue_page():
    form = QueueFilterForm(formdata=request.args)
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    form.team.choices = [SelectChoice("", "Any team")] + [SelectChoice(t.id, t.name) for t in teams]
    form.validate()
    page = queue.queue(form.filters(), page_arg())
    send = _send_form()
    if current_user.role in ("reviewer", "executive"):
        send.reviewer_id.data = current_user.id
    links = {k: v for k, v in request.args.items() if k != "page" and v}
    # Each row's scorecard list, its default first, per (channel, team) shown.
    cards = {
        (row.interaction.channel, row.interaction.team_id): scorecards_for(
            row.interaction.channel, row.interaction.team_id
        )
        for row in page.rows
    }
    return render_template(
        "flags/queue.html",
        form=form,
        page=page,
        send=send,
        review_form=ReviewForm(),
        links=links,
        active=services.active_models(),
        cards=cards,
    ), filter_status(form)


@bp.route("/interactions/<int:interaction_id>/send", methods=["POST"])
@roles_required(*REVIEWERS)
def send_to_review(interaction_id: int):
    interaction = db.get_or_404(Interaction, interaction_id)
    form = _send_form()
    if not form.validate_on_submit():
        flash("Choose a scorecard and a reviewer from the lists.", "danger")
    else:
        try:
            assignment = queue.send_to_review(
                current_user, interaction, form.scorecard_id.data, form.reviewer_id.data
            )
        except services.FlagServiceError as exc:
            flash(str(exc), "warning")
        else:
            flash(
                f"Interaction {interaction.external_id} sent to {assignment.reviewer.name} "
                "for review.",
                "success",
            )
    return _back(url_for("flags.queue_page"))


@bp.route("/<int:flag_id>/review", methods=["POST"])
@roles_required(*REVIEWERS)
def review(flag_id: int):
    flag = db.get_or_404(Flag, flag_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash("Choose confirm or dismiss.", "danger")
    else:
        queue.review_flag(current_user, flag, form.decision.data)
        word = "confirmed" if form.decision.data == "confirmed" else "dismissed"
        flash(
            f"The {flag.target} flag on {flag.interaction.external_id} was {word}; "
            "the answer is used as a label at the next training.",
            "success",
        )
    return _back(url_for("flags.queue_page"))


@bp.route("/models")
@roles_required(*LEADS)
def models():
    runner.reap()
    targets = {target: services.versions(target) for target in services.TARGETS}
    return render_template(
        "flags/models.html",
        targets=targets,
        train_form=TrainForm(),
        action_form=FlaskForm(),
        training=any(m.status == "training" for ms in targets.values() for m in ms),
    )


@bp.route("/models/<int:model_id>")
@roles_required(*LEADS)
def model(model_id: int):
    row = db.get_or_404(FlagModel, model_id)
    return render_template("flags/model.html", model=row, action_form=FlaskForm())


@bp.route("/models/<int:model_id>/status")
@roles_required(*LEADS)
def status(model_id: int):
    row = db.get_or_404(FlagModel, model_id)
    return jsonify(
        id=row.id,
        status=row.status,
        progress=(row.meta or {}).get("progress", {}),
        error=row.error,
    )


@bp.route("/models/train", methods=["POST"])
@roles_required(*LEADS)
def train():
    form = TrainForm()
    if not form.validate_on_submit():
        flash("Choose a target (and optionally a start date).", "danger")
        return redirect(url_for("flags.models"))
    since = form.since.data
    try:
        row = jobs.start_training(
            form.target.data, _midnight(since) if since else None, current_user
        )
    except services.FlagServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("flags.models"))
    db.session.refresh(row)
    if row.status == "failed":
        flash(f"Training {row.target} v{row.version} failed: {row.error}", "danger")
    elif row.status == "ready":
        flash(f"{row.target.capitalize()} v{row.version} is trained.", "success")
    else:
        flash(
            f"Training {row.target} v{row.version} started; this page shows its progress.", "info"
        )
    return redirect(url_for("flags.models"))


@bp.route("/models/score-all", methods=["POST"])
@roles_required(*LEADS)
def score_all():
    """Re-score every interaction with the active models, as a background job."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        job = jobs.start_scoring_all(current_user)
    except services.FlagServiceError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("flags.models"))
    flash(f"{job.title}: started; this page shows its progress.", "info")
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/models/<int:model_id>/activate", methods=["POST"])
@roles_required(*LEADS)
def activate(model_id: int):
    row = db.get_or_404(FlagModel, model_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        previous = services.activate(current_user, row)
    except services.FlagServiceError as exc:
        flash(str(exc), "danger")
    else:
        was = f" (was v{previous.version})" if previous else ""
        flash(f"{row.target.capitalize()} v{row.version} is now active{was}.", "success")
    return _back(url_for("flags.models"))


def _midnight(day):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time.min, tzinfo=UTC)
