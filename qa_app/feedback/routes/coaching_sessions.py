"""Coaching pages: the list, a new session, a session with its effectiveness."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from qa_app.access import roles_required
from qa_app.extensions import db
from qa_app.feedback import coaching, services, stats
from qa_app.feedback.forms import ActionForm, CoachingAckForm, CoachingForm
from qa_app.feedback.routes import bp
from qa_app.models import Evaluation, User, utcnow
from qa_app.request_args import arg, id_arg, to_id

COACHES = coaching.COACHES


@bp.route("/coaching")
@roles_required(*COACHES, "agent")
def coaching_list():
    return render_template("feedback/coaching_list.html", rows=coaching.sessions_for(current_user))


def _agent_from_request() -> User | None:
    agent_id = arg("agent_id", to_id, request.values)
    if agent_id is None:
        evaluation_id = arg("evaluation_id", to_id, request.values)
        found = db.session.get(Evaluation, evaluation_id) if evaluation_id else None
        agent_id = found.agent_id if found else None
    agent = db.session.get(User, agent_id) if agent_id else None
    return agent if agent is not None and agent.role == "agent" else None


@bp.route("/coaching/new", methods=["GET", "POST"])
@roles_required(*COACHES)
def new_coaching():
    agent = _agent_from_request()
    if agent is None:
        if request.method == "POST":
            flash("Choose an agent first.", "danger")
        return render_template("feedback/coaching_pick_agent.html", agents=coaching.agents()), (
            422 if request.method == "POST" else 200
        )
    recent = coaching.agent_evaluations(agent)
    form = CoachingForm()
    form.evaluation_ids.choices = [
        SelectChoice(e.id, f"#{e.id} · {e.interaction.started_at:%d %b %Y} · {_pct(e.total)}")
        for e in recent
    ]
    form.focus_questions.choices = [
        SelectChoice(k, t) for k, t in coaching.question_choices(recent)
    ]
    if request.method == "GET":
        form.agent_id.data = agent.id
        form.held_on.data = utcnow().date()
        preselected = id_arg("evaluation_id")
        form.evaluation_ids.data = [preselected] if preselected else []
    if form.validate_on_submit():
        try:
            session = coaching.create(
                current_user,
                coaching.SessionRequest(
                    agent_id=agent.id,
                    evaluation_ids=form.evaluation_ids.data or [],
                    focus_questions=form.focus_questions.data or [],
                    held_on=form.held_on.data,
                    notes=form.notes.data or "",
                    follow_up_on=form.follow_up_on.data,
                    items=[
                        coaching.NewItem(i.text.data.strip(), i.due_on.data)
                        for i in form.items
                        if (i.text.data or "").strip()
                    ],
                ),
            )
        except services.FeedbackError as exc:
            for name, message in exc.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
        else:
            flash(f"Coaching session created; {agent.name} has been notified.", "success")
            return redirect(url_for("feedback.coaching_session", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render_template("feedback/coaching_new.html", form=form, agent=agent), status


def _pct(total: float | None) -> str:
    return "n/a" if total is None else f"{total:.1f}%"


@bp.route("/coaching/<int:session_id>")
@roles_required(*COACHES, "agent")
def coaching_session(session_id: int):
    session = coaching.visible_session(current_user, session_id)
    return render_template(
        "feedback/coaching_session.html",
        session=session,
        effectiveness=stats.coaching_effectiveness(session),
        manage=coaching.may_manage(current_user, session),
        ack_form=CoachingAckForm(),
        action=ActionForm(),
        today=utcnow().date(),
    )


@bp.route("/coaching/<int:session_id>/acknowledge", methods=["POST"])
@roles_required("agent")
def acknowledge_coaching(session_id: int):
    session = coaching.visible_session(current_user, session_id)
    form = CoachingAckForm()
    if form.validate_on_submit():
        coaching.acknowledge(current_user, session, form.comment.data or "")
        flash("Thank you: the coaching session is acknowledged.", "success")
    else:
        flash("The comment is too long (4,000 characters at most).", "danger")
    return redirect(url_for("feedback.coaching_session", session_id=session.id))


def _managed(session_id: int):
    session = coaching.visible_session(current_user, session_id)
    if not coaching.may_manage(current_user, session):
        abort(404)
    return session


@bp.route("/coaching/<int:session_id>/items/<int:item_id>/done", methods=["POST"])
@roles_required(*COACHES)
def item_done(session_id: int, item_id: int):
    session = _managed(session_id)
    coaching.mark_done(current_user, session, item_id)
    flash("Action item marked done.", "success")
    return redirect(url_for("feedback.coaching_session", session_id=session.id))


@bp.route("/coaching/<int:session_id>/close", methods=["POST"])
@roles_required(*COACHES)
def close_coaching(session_id: int):
    session = _managed(session_id)
    coaching.close(current_user, session)
    flash("Coaching session closed.", "info")
    return redirect(url_for("feedback.coaching_session", session_id=session.id))
