"""The dispute queue and resolution (reviewers other than the original
reviewer, and executives), and the dispute figures for executives."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.access import roles_required
from qa_app.feedback import presenters, services, stats
from qa_app.feedback.forms import ActionForm, ResolveForm, decisions_from
from qa_app.feedback.routes import bp
from qa_app.reviews import evaluations

RESOLVERS = services.RESOLVERS
STALE = (
    "Someone else resolved this dispute (or the agent withdrew it) while you were "
    "deciding. Your decision was not applied; the page now shows the outcome."
)


def _own_dispute_refusal():
    return render_template(
        "errors/error.html", code=403, message=services.OwnDisputeError.message
    ), 403


@bp.route("/disputes")
@roles_required(*RESOLVERS)
def disputes():
    status = request.args.get("status", "open")
    if status not in ("open", "resolved"):
        status = "open"
    return render_template(
        "feedback/disputes.html", rows=services.queue(current_user, status), status=status
    )


@bp.route("/disputes/stats")
@roles_required("executive")
def dispute_stats():
    return render_template(
        "feedback/dispute_stats.html",
        by_reviewer=stats.dispute_rates_by_reviewer(),
        by_question=stats.dispute_rates_by_question(),
    )


def _page(dispute, form, errors=None, status=200):
    item = dispute.evaluation
    card = evaluations.card_for(item.scorecard_version)
    return render_template(
        "feedback/dispute.html",
        dispute=dispute,
        evaluation=item,
        card=card,
        label=presenters.answer_label,
        critical=presenters.critical(item),
        sections=presenters.sections(item),
        form=form,
        errors=errors or {},
        posted=request.form if request.method == "POST" else {},
        withdraw_form=ActionForm(),
    ), status


@bp.route("/disputes/<int:dispute_id>")
@roles_required(*RESOLVERS, "agent")
def dispute(dispute_id: int):
    try:
        found = services.visible_dispute(current_user, dispute_id)
    except services.OwnDisputeError:
        return _own_dispute_refusal()
    return _page(found, ResolveForm(lock_version=found.lock_version))


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@roles_required(*RESOLVERS)
def resolve(dispute_id: int):
    try:
        found = services.visible_dispute(current_user, dispute_id)
    except services.OwnDisputeError:
        return _own_dispute_refusal()
    form = ResolveForm()
    if not form.validate_on_submit():
        return _page(found, form, status=422)
    try:
        services.resolve(
            current_user,
            found,
            decisions_from(found, request.form),
            note=form.note.data or "",
            lock_version=form.lock_version.data,
        )
    except services.OwnDisputeError:
        return _own_dispute_refusal()
    except services.MissingLockError as exc:
        flash(exc.message, "danger")
        return _page(found, form, exc.errors, status=400)
    except services.StaleDisputeError:
        flash(STALE, "warning")
        return redirect(url_for("feedback.dispute", dispute_id=dispute_id))
    except services.FeedbackError as exc:
        flash(exc.message, "danger")
        return _page(found, form, exc.errors, status=422)
    flash(
        f"Dispute resolved: {found.outcome.replace('_', ' ')}. The agent and the reviewer "
        "have been notified.",
        "success",
    )
    return redirect(url_for("feedback.dispute", dispute_id=found.id))
