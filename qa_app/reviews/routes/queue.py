"""Reviewer pages: the queue, starting evaluations, reassigning work."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from qa_app.access import roles_required
from qa_app.calibration.services import pending_for
from qa_app.extensions import db
from qa_app.models import Assignment, Interaction, Scorecard, ScorecardVersion, User, utcnow
from qa_app.request_args import arg, id_arg, to_id
from qa_app.reviews import cycles, evaluations, services
from qa_app.reviews.forms import ReassignForm, SwapForm
from qa_app.reviews.routes import LEADS, REVIEWERS, bp


@bp.route("/")
@roles_required(*REVIEWERS)
def queue():
    everyone = current_user.role in LEADS
    reviewer_id = id_arg("reviewer")
    if not everyone:
        reviewer_id = current_user.id
    elif "reviewer" not in request.args:
        reviewer_id = current_user.id if current_user.role == "executive" else None
    items = services.queue(reviewer_id)
    form = ReassignForm()
    # Only leads see the reassign controls: a reviewer's queue does not load
    # every reviewer's account.
    choices = services.reviewers() if everyone else []
    form.reviewer_id.choices = [SelectChoice(u.id, u.name) for u in choices]
    return render_template(
        "reviews/queue.html",
        items=items,
        counts=services.counts(items),
        drafts=services.my_drafts(current_user.id),
        everyone=everyone,
        reviewer_id=reviewer_id,
        reviewer_choices=choices,
        form=form,
        calibrations=pending_for(current_user),
        now=utcnow(),
    )


# Starting needs ids only: not the transcript, not the scorecard definition.
_START_OPTIONS = [
    joinedload(Assignment.interaction).load_only(Interaction.agent_id),
    joinedload(Assignment.scorecard_version).load_only(ScorecardVersion.scorecard_id),
]


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@roles_required(*REVIEWERS)
def start_assignment(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id, options=_START_OPTIONS)
    if assignment.reviewer_id != current_user.id:
        abort(404)  # someone else's work item: not theirs to open
    if assignment.status != "open":
        flash("This assignment is already done.", "info")
        return redirect(url_for("reviews.queue"))
    if not FlaskForm().validate_on_submit():
        abort(400)
    evaluation = evaluations.start(
        current_user, assignment.interaction, assignment.scorecard_version, assignment=assignment
    )
    return redirect(url_for("reviews.score", evaluation_id=evaluation.id))


@bp.route("/assignments/<int:assignment_id>/reassign", methods=["POST"])
@roles_required(*LEADS)
def reassign(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    form = ReassignForm()
    form.reviewer_id.choices = [SelectChoice(u.id, u.name) for u in services.reviewers()]
    if not form.validate_on_submit():
        flash("Choose a reviewer from the list.", "danger")
    else:
        try:
            services.reassign(current_user, assignment, db.session.get(User, form.reviewer_id.data))
        except ValueError as exc:
            flash(str(exc), "danger")
        else:
            flash("Assignment reassigned.", "success")
    return redirect(request.referrer if _local(request.referrer) else url_for("reviews.queue"))


@bp.route("/assignments/<int:assignment_id>/swap", methods=["GET", "POST"])
@roles_required(*LEADS)
def swap(assignment_id: int):
    """A cycle's assignment for another contact of the same agent and period:
    GET lists the contacts it may become, POST makes the swap."""
    assignment = db.get_or_404(Assignment, assignment_id)
    form = SwapForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400 if "csrf_token" in form.errors else 422
        else:
            try:
                cycles.swap(current_user, assignment, form.interaction_id.data)
            except cycles.SwapConflictError as exc:
                form.interaction_id.errors = [str(exc)]
                status = 409
            except ValueError as exc:
                form.interaction_id.errors = [str(exc)]
                status = 422
            else:
                flash("Assignment swapped: the reviewer has the new contact.", "success")
                return redirect(url_for("reviews.queue", reviewer=""))
    return render_template(
        "reviews/swap.html",
        assignment=assignment,
        period=cycles.period_of(assignment),
        candidates=cycles.swap_candidates(assignment) if assignment.status == "open" else [],
        form=form,
    ), status


def _local(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/start", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def start():
    """Ad-hoc evaluation of any interaction, without an assignment."""
    interaction = db.get_or_404(Interaction, arg("interaction_id", to_id, request.values) or 0)
    cards = services.scorecards_for(interaction.channel, interaction.team_id)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        card = db.session.get(Scorecard, arg("scorecard_id", to_id, request.form) or 0)
        version = services.latest_version(card.id) if card in cards else None
        if version is None:
            flash("Choose a published scorecard.", "danger")
        else:
            evaluation = evaluations.start(current_user, interaction, version)
            return redirect(url_for("reviews.score", evaluation_id=evaluation.id))
    return render_template(
        "reviews/start.html", interaction=interaction, cards=cards, form=FlaskForm()
    )
