"""Feedback pages: the agent's home, an evaluation as the agent sees it,
acknowledgement and raising a dispute. Dispute resolution and coaching live
in ``disputes`` and ``coaching_sessions`` on the same blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.access import roles_required, signed_in
from qa_app.feedback import coaching, presenters, services, stats
from qa_app.feedback.forms import AcknowledgeForm, ActionForm, DisputeForm, dispute_from
from qa_app.feedback.routes import bp
from qa_app.models import utcnow
from qa_app.reviews import evaluations


@bp.route("/")
@roles_required("agent")
def home():
    agent = current_user
    recent = coaching.agent_evaluations(agent, limit=10)
    return render_template(
        "feedback/home.html",
        trend=stats.agent_trend(agent),
        recent=recent,
        disputed=presenters.open_disputes([e.id for e in recent]),
        missed=stats.missed_questions(agent),
        items=presenters.open_items(agent),
        waiting=presenters.awaiting_acknowledgement(agent),
        today=utcnow().date(),
    )


@bp.route("/evaluations/<int:evaluation_id>")
@signed_in
def evaluation(evaluation_id: int):
    item = services.visible_evaluation(current_user, evaluation_id)
    changes = presenters.history(item)
    own = current_user.id == item.agent_id
    return render_template(
        "feedback/evaluation.html",
        evaluation=item,
        result=evaluations.card_result(item),
        critical=presenters.critical(item),
        sections=presenters.sections(item, presenters.original_answers(item)),
        changes=changes,
        disputes=presenters.disputes_of(item),
        own=own,
        evaluation_card=evaluations.card_for(item.scorecard_version),
        label=presenters.answer_label,
        ack_form=AcknowledgeForm(),
        withdraw_form=ActionForm(),
        refusal=services.dispute_refusal(item) if own else None,
        closes=services.window_closes(item),
    )


@bp.route("/evaluations/<int:evaluation_id>/acknowledge", methods=["POST"])
@roles_required("agent")
def acknowledge(evaluation_id: int):
    item = services.own_evaluation(current_user, evaluation_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        if services.acknowledge(current_user, item, form.comment.data or ""):
            flash("Thank you: the evaluation is acknowledged.", "success")
        else:
            flash("This evaluation was already acknowledged.", "info")
    else:
        flash("The comment is too long (4,000 characters at most).", "danger")
    return redirect(url_for("feedback.evaluation", evaluation_id=item.id))


@bp.route("/evaluations/<int:evaluation_id>/dispute", methods=["GET", "POST"])
@roles_required("agent")
def raise_dispute(evaluation_id: int):
    item = services.own_evaluation(current_user, evaluation_id)
    form = DisputeForm()
    errors: dict[str, str] = {}
    refusal = services.dispute_refusal(item)
    if request.method == "POST" and refusal:
        flash(refusal, "danger")
        return redirect(url_for("feedback.evaluation", evaluation_id=item.id))
    if form.validate_on_submit():
        try:
            services.open_dispute(current_user, item, dispute_from(request.form))
        except services.FeedbackError as exc:
            if not exc.errors:  # refused as a whole (a race with another tab)
                flash(exc.message, "danger")
                return redirect(url_for("feedback.evaluation", evaluation_id=item.id))
            errors = exc.errors
        else:
            flash("Your dispute has been sent. You will be notified of the outcome.", "success")
            return redirect(url_for("feedback.evaluation", evaluation_id=item.id))
    return render_template(
        "feedback/raise_dispute.html",
        evaluation=item,
        sections=presenters.sections(item),
        form=form,
        errors=errors,
        posted=request.form,
        refusal=refusal,
        closes=services.window_closes(item),
    ), 422 if request.method == "POST" else 200


@bp.route("/disputes/<int:dispute_id>/withdraw", methods=["POST"])
@roles_required("agent")
def withdraw(dispute_id: int):
    dispute = services.visible_dispute(current_user, dispute_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(current_user, dispute)
        except services.FeedbackError as exc:
            flash(exc.message, "danger")
        else:
            flash("Your dispute was withdrawn.", "info")
    return redirect(url_for("feedback.evaluation", evaluation_id=dispute.evaluation_id))


@bp.cli.command("remind")
def remind_command() -> None:
    """Notify agents of coaching action items now due (once per item)."""
    import click

    created = coaching.remind_due(utcnow().date())
    click.echo(f"{created} reminder(s) created.")
