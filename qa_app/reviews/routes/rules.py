"""Sampling rules: define, preview a run, create the assignments."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from qa_app.access import roles_required
from qa_app.admin.services import team_choices
from qa_app.extensions import db
from qa_app.models import Interaction, SamplingRule, Scorecard, User
from qa_app.reviews import services
from qa_app.reviews.forms import RuleForm, RunForm
from qa_app.reviews.routes import LEADS, bp


def _rule_form(**kwargs) -> RuleForm:
    form = RuleForm(**kwargs)
    form.scorecard_id.choices = [
        SelectChoice(c.id, c.name) for c in services.reviewable_scorecards()
    ]
    form.team_id.choices = [SelectChoice(c.value or 0, c.label) for c in team_choices()]
    form.reviewer_ids.choices = [
        SelectChoice(u.id, f"{u.name} ({u.role})") for u in services.reviewers()
    ]
    return form


@bp.route("/rules")
@roles_required(*LEADS)
def rules():
    rows = db.session.scalars(db.select(SamplingRule).order_by(SamplingRule.name)).all()
    return render_template("reviews/rules.html", rules=rows)


@bp.route("/rules/new", methods=["GET", "POST"])
@roles_required(*LEADS)
def new_rule():
    form = _rule_form()
    if form.validate_on_submit():
        rule = SamplingRule(
            name=form.name.data.strip(),
            scorecard_id=form.scorecard_id.data,
            per_agent=form.per_agent.data,
            period_days=form.period_days.data,
            mode=form.mode.data,
            filters=form.filters(),
            reviewer_ids=form.reviewer_ids.data,
            due_days=form.due_days.data,
            created_by_id=current_user.id,
        )
        db.session.add(rule)
        db.session.commit()
        flash("Sampling rule saved. Preview a run below.", "success")
        return redirect(url_for("reviews.rule", rule_id=rule.id))
    return render_template("reviews/rule_form.html", form=form), 422 if form.errors else 200


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
    return render_template(
        "reviews/rule.html",
        rule=found,
        form=form,
        draws=draws,
        interactions=interactions,
        people=people,
        per_reviewer=per_reviewer,
        scorecard=db.session.get(Scorecard, found.scorecard_id),
    ), 422 if form.errors else 200
