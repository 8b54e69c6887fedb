"""The scoring page: transcript beside the form, autosave, submit, result."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

import scorecards
from qa_app.access import roles_required, signed_in
from qa_app.autoqa import services as autoqa_services
from qa_app.extensions import db
from qa_app.feedback import presenters
from qa_app.models import Evaluation
from qa_app.reviews import evaluations, policy
from qa_app.reviews.forms import radio_choices, scoring_form
from qa_app.reviews.routes import REVIEWERS, bp

STALE = (
    "Someone else saved this evaluation after you opened it. Nothing of yours was "
    "overwritten and your input is still on this page: copy what you need, then reload."
)


def _editable(evaluation_id: int, *, page: bool = True) -> Evaluation:
    evaluation = evaluations.get_for_scoring(evaluation_id, page=page)
    if evaluation is None:
        abort(404)
    if not policy.can_view(current_user, evaluation):
        abort(404)
    if evaluation.status == "superseded" and evaluation.reviewer_id == current_user.id:
        return evaluation  # its author is told why it is closed, input kept
    if not policy.can_edit(current_user, evaluation):
        abort(403)
    return evaluation


def _after_submit(evaluation: Evaluation) -> str:
    if evaluation.calibration_session_id is not None:
        return f"/calibration/{evaluation.calibration_session_id}"
    return url_for("reviews.evaluation", evaluation_id=evaluation.id)


def _render(evaluation, form, card, result, status=200, problems=None, values=None, auto=None):
    """The scoring page with the posted ``form`` (and its errors), or with
    ``values`` (field name -> value) read from the stored evaluation."""
    return render_template(
        "reviews/score.html",
        evaluation=evaluation,
        values=values if values is not None else form.data,
        errors=form.errors if form is not None else {},
        choices=radio_choices(card),
        card=card,
        result=result,
        interaction=evaluation.interaction,
        problems=problems or {},
        suggestions=auto or {},
    ), status


@bp.route("/evaluations/<int:evaluation_id>/score", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def score(evaluation_id: int):
    evaluation = _editable(evaluation_id, page=request.method == "GET")
    card = evaluations.card_for(evaluation.scorecard_version)
    if request.method == "GET" and evaluation.status == "superseded":
        flash(evaluation.closed_reason or evaluations.SUPERSEDED, "warning")
        return redirect(url_for("reviews.evaluation", evaluation_id=evaluation.id))
    if request.method == "GET":
        data = {
            f"answer_{k}": str(v) if v is not None else None
            for k, v in evaluation.answer_map().items()
        }
        data |= {f"comment_{a.question_key}": a.comment for a in evaluation.answers}
        data |= {"lock_version": evaluation.lock_version, "comment": evaluation.comment}
        auto = autoqa_services.suggestions(evaluation, card)  # trusted ones only, drafts only
        data |= {
            f"answer_{k}": str(a.value) for k, a in auto.items() if not data.get(f"answer_{k}")
        }
        missing = {
            key: "Required: choose an answer."
            for key in request.args.get("missing", "").split(",")
            if key
        }
        return _render(
            evaluation,
            None,
            card,
            evaluations.card_result(evaluation),
            problems=missing,
            values=data,
            auto=auto,
        )
    form = scoring_form(card)
    submit = request.form.get("action") == "submit" or evaluation.status == "submitted"
    after_submit = _after_submit(evaluation)  # read now: the commit expires the evaluation
    if not form.validate_on_submit():
        return _render(evaluation, form, card, None, 422)
    try:
        evaluations.save(
            current_user,
            evaluation,
            form.answers(card),
            comments=form.comments(card),
            comment=form.comment.data,
            lock_version=form.lock_version.data,
            seconds=form.seconds_spent(),
            submit=submit,
        )
    except evaluations.MissingLockError as exc:
        flash(str(exc), "danger")
        return _render(evaluation, form, card, None, 400)
    except evaluations.StaleEvaluationError:
        db.session.rollback()
        flash(STALE, "danger")
        return _render(evaluation, form, card, None, 409)
    except evaluations.ClosedError as exc:
        flash(str(exc), "danger")
        return _render(evaluation, form, card, None, 409)
    except evaluations.IncompleteError as exc:
        # The answers are saved as a draft; redirect (so a reload never
        # re-posts) to the page with the missing questions marked.
        flash(
            f"Answer every required question before submitting: {len(exc.missing)} left, "
            "marked below. Your answers are saved as a draft.",
            "warning",
        )
        return redirect(
            url_for(
                "reviews.score",
                evaluation_id=evaluation.id,
                missing=",".join(exc.missing),
                _anchor=f"question-{exc.missing[0]}",
            )
        )
    except scorecards.AnswerError as exc:
        db.session.rollback()
        return _render(evaluation, form, card, None, 422, {p.path: p.message for p in exc.problems})
    if submit:
        flash(
            "Evaluation submitted." if request.form.get("action") == "submit" else "Changes saved.",
            "success",
        )
        return redirect(after_submit)
    flash("Draft saved.", "success")
    return redirect(url_for("reviews.score", evaluation_id=evaluation.id))


@bp.route("/evaluations/<int:evaluation_id>/autosave", methods=["POST"])
@roles_required(*REVIEWERS)
def autosave(evaluation_id: int):
    """Called by the page while the reviewer works: saves a draft (never a
    submitted evaluation, whose edits need an explicit save) and returns the
    engine's running score."""
    evaluation = _editable(evaluation_id, page=False)
    card = evaluations.card_for(evaluation.scorecard_version)
    form = scoring_form(card)
    if not form.validate_on_submit():
        return jsonify(
            error={"code": 422, "message": "invalid answers", "fields": form.errors}
        ), 422
    # Read now: the commit expires the evaluation. A superseded draft goes to
    # the save, which refuses it with the reason.
    draft = evaluation.status != "submitted"
    try:
        if draft:
            saved = evaluations.save(
                current_user,
                evaluation,
                form.answers(card),
                comments=form.comments(card),
                comment=form.comment.data,
                lock_version=form.lock_version.data,
                seconds=form.seconds_spent(),
            )
            result, lock = saved.result, saved.lock_version
        else:
            result, lock = scorecards.score(card, form.answers(card)), evaluation.lock_version
    except evaluations.MissingLockError as exc:
        return jsonify(error={"code": 400, "message": str(exc), "field": "lock_version"}), 400
    except evaluations.StaleEvaluationError:
        db.session.rollback()
        return jsonify(error={"code": 409, "message": STALE}), 409
    except evaluations.ClosedError as exc:
        return jsonify(error={"code": 409, "message": str(exc)}), 409
    except scorecards.AnswerError as exc:
        db.session.rollback()
        return jsonify(error={"code": 422, "message": str(exc)}), 422
    return jsonify(
        lock_version=lock,
        total=result.total,
        total_before_autofail=result.total_before_autofail,
        auto_failed=result.auto_failed,
        missing=list(result.missing_required),
        saved=draft,
        sections=[{"key": s.key, "percent": s.percent} for s in result.sections],
    )


@bp.route("/evaluations/<int:evaluation_id>")
@signed_in
def evaluation(evaluation_id: int):
    found = db.get_or_404(Evaluation, evaluation_id)
    if not policy.can_view(current_user, found):
        abort(404)
    card = evaluations.card_for(found.scorecard_version)
    return render_template(
        "reviews/evaluation.html",
        evaluation=found,
        card=card,
        result=evaluations.card_result(found),
        sections=presenters.sections(found),
        critical=presenters.critical(found),
        can_edit=policy.can_edit(current_user, found),
    )
