"""Sampling rules: define (with an optional review cycle), preview a run,
create the assignments; a cycle's runs and goals."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from qa_app import audit
from qa_app.access import roles_required
from qa_app.admin.services import team_choices
from qa_app.extensions import db
from qa_app.models import Interaction, ReviewCycleRun, SamplingRule, Scorecard, User, utcnow
from qa_app.reviews import cycles, recurrence, services
from qa_app.reviews.forms import RuleForm, RunForm, rule_form
from qa_app.reviews.routes import LEADS, bp


def _rule_form(**kwargs) -> RuleForm:
    people = services.reviewers()
    form = rule_form([(u.id, u.name) for u in people], **kwargs)
    form.scorecard_id.choices = [
        SelectChoice(c.id, c.name) for c in services.reviewable_scorecards()
    ]
    form.team_id.choices = [SelectChoice(c.value or 0, c.label) for c in team_choices()]
    form.reviewer_ids.choices = [SelectChoice(u.id, f"{u.name} ({u.role})") for u in people]
    return form


def _store(form: RuleForm, rule: SamplingRule) -> None:
    """The form's values onto ``rule``; a changed cycle starts counting now,
    so its first run is for the first period that ends after this."""
    cycle = (form.recurrence.data or None, form.run_at.data, form.time_zone.data)
    if cycle[0] and cycle != (rule.recurrence, rule.run_at, rule.time_zone):
        rule.cycle_since = utcnow()
    rule.name = form.name.data.strip()
    rule.scorecard_id = form.scorecard_id.data
    rule.per_agent = form.per_agent.data
    rule.period_days = form.period_days.data
    rule.mode = form.mode.data
    rule.filters = form.filters()
    rule.reviewer_ids = form.reviewer_ids.data
    rule.due_days = form.due_days.data
    rule.recurrence = cycle[0]
    if cycle[0]:
        rule.run_at, rule.time_zone = cycle[1], cycle[2]
    rule.carry_over = form.carry_over.data
    rule.reviewer_goals = form.reviewer_goals()


@bp.route("/rules")
@roles_required(*LEADS)
def rules():
    rows = db.session.scalars(db.select(SamplingRule).order_by(SamplingRule.name)).all()
    return render_template("reviews/rules.html", rules=rows, labels=recurrence.LABELS)


@bp.route("/rules/new", methods=["GET", "POST"])
@roles_required(*LEADS)
def new_rule():
    form = _rule_form()
    if form.validate_on_submit():
        rule = SamplingRule(created_by_id=current_user.id)
        _store(form, rule)
        db.session.add(rule)
        db.session.commit()
        flash("Sampling rule saved. Preview a run below.", "success")
        return redirect(url_for("reviews.rule", rule_id=rule.id))
    return render_template("reviews/rule_form.html", form=form, rule=None), (
        422 if form.errors else 200
    )


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@roles_required(*LEADS)
def edit_rule(rule_id: int):
    found = db.get_or_404(SamplingRule, rule_id)
    form = _rule_form()
    if request.method == "GET":
        f = found.filters or {}
        values = {
            "name": found.name, "scorecard_id": found.scorecard_id,
            "per_agent": found.per_agent, "period_days": found.period_days,
            "mode": found.mode, "team_id": f.get("team_id") or 0,
            "channel": f.get("channel") or "", "min_duration": f.get("min_duration"),
            "csat_max": f.get("csat_max"), "escalated_only": bool(f.get("escalated")),
            "reviewer_ids": list(found.reviewer_ids), "due_days": found.due_days,
            "recurrence": found.recurrence or "", "run_at": found.run_at,
            "time_zone": found.time_zone, "carry_over": found.carry_over,
        }  # fmt: skip
        values |= {f"goal_{r}": g for r, g in (found.reviewer_goals or {}).items()}
        for name, value in values.items():
            if name in form:
                form[name].data = value
    elif form.validate_on_submit():
        before = {"recurrence": found.recurrence, "goals": dict(found.reviewer_goals or {})}
        _store(form, found)
        audit.record(
            current_user,
            "sampling_rule.edited",
            "sampling_rule",
            found.id,
            before,
            {"recurrence": found.recurrence, "goals": found.reviewer_goals},
        )
        db.session.commit()
        flash("Sampling rule saved.", "success")
        return redirect(url_for("reviews.rule", rule_id=found.id))
    return render_template("reviews/rule_form.html", form=form, rule=found), (
        422 if form.errors else 200
    )


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@roles_required(*LEADS)
def rule(rule_id: int):
    """GET previews a run for a seed; POST creates exactly that run."""
    found = db.get_or_404(SamplingRule, rule_id)
    form = RunForm(seed=request.args.get("seed", type=int) or secrets.randbelow(10**6))
    if request.method == "POST" and form.validate_on_submit():
        try:
            created = services.run(current_user, found, seed=form.seed.data)
        except ValueError as exc:
            flash(str(exc), "danger")
        else:
            flash(f"{created} assignments created.", "success")
            return redirect(url_for("reviews.queue", reviewer=""))
    draws = services.plan(found, seed=form.seed.data) if not form.errors else []
    ids = {d.interaction_id for d in draws} | set(found.reviewer_ids)
    interactions = (
        {i.id: i for i in db.session.scalars(db.select(Interaction).where(Interaction.id.in_(ids)))}
        if draws
        else {}
    )
    people = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(
                User.id.in_(set(found.reviewer_ids) | {d.agent_id for d in draws})
            )
        )
    }
    per_reviewer: dict[int, int] = {}
    for draw in draws:
        per_reviewer[draw.reviewer_id] = per_reviewer.get(draw.reviewer_id, 0) + 1
    rec = cycles.recurrence_of(found)
    runs = db.session.scalars(
        db.select(ReviewCycleRun)
        .where(ReviewCycleRun.rule_id == found.id)
        .order_by(ReviewCycleRun.period_start.desc())
        .limit(10)
    ).all()
    return render_template(
        "reviews/rule.html",
        rule=found,
        cycle_label=recurrence.LABELS.get(found.recurrence or ""),
        next_run=recurrence.next_run(rec, max(utcnow(), found.cycle_since or utcnow()))
        if rec
        else None,
        runs=runs,
        form=form,
        draws=draws,
        interactions=interactions,
        people=people,
        per_reviewer=per_reviewer,
        scorecard=db.session.get(Scorecard, found.scorecard_id),
    ), 422 if form.errors else 200
