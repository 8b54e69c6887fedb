"""The demo arrives with trained, active flagging models and scored interactions, so
the Flagged page works at the first sign-in, and with a weekly review cycle."""

from __future__ import annotations

import re
from datetime import time

from sqlalchemy import func, select

from qa_app.demo import seed
from qa_app.demo.generator import DEMO_PASSWORD
from qa_app.extensions import db
from qa_app.models import Flag, FlagModel, Interaction, SamplingRule, User
from tests.qa_app.flags.support import FAST
from tests.qa_app.helpers import sign_in


def test_the_demo_trains_activates_and_scores_the_flagging_models(app, client_as):
    app.config.update(FLAG_TRAIN_OPTIONS=dict(FAST))  # the recipe, trained cheaply
    summary = seed.seed(n_interactions=1000, now=None)
    assert "Flagging models trained and active: escalation v1, coaching v1" in summary
    models = db.session.scalars(select(FlagModel).order_by(FlagModel.target)).all()
    assert [(m.target, m.version, m.status, m.active) for m in models] == [
        ("coaching", 1, "ready", True),
        ("escalation", 1, "ready", True),
    ]
    interactions = db.session.scalar(select(func.count()).select_from(Interaction))
    for model in models:
        scored = select(func.count()).where(Flag.model_id == model.id)
        assert db.session.scalar(scored) == interactions == 1000
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert "No flagging model" not in page and "flask" not in page
    flagged = int(re.search(r"(\d+) flagged of 1,000 scored, review budget 5 %", page).group(1))
    assert 0 < flagged <= 2 * 50  # within each model's budget of 5 %
    # Two models: the page says the budget is each model's, so 5 % of 1,000 can be ~100.
    assert "review budget 5 % of each model&#39;s scores" in page
    assert 'data-testid="flag-row"' in page


def test_a_small_demo_says_which_models_it_could_not_train(app, client):
    summary = seed.seed(n_interactions=40)
    assert "Not trained (too few labels): escalation v1, coaching v1." in summary
    failed = db.session.scalars(select(FlagModel)).all()
    assert {(m.status, m.active) for m in failed} == {("failed", False)}
    assert "too few" in failed[0].error or "single class" in failed[0].error
    # Any demo has a weekly review cycle with goals: the featured reviewer's
    # home shows the cycle's goal instead of the weekly one.
    rule = db.session.scalar(select(SamplingRule))
    assert (rule.recurrence, rule.run_at, rule.carry_over) == ("weekly", time(6, 0), True)
    reviewer = db.session.scalar(select(User).where(User.email == "reviewer@demo.example"))
    assert rule.reviewer_goals[str(reviewer.id)] == 40
    assert sign_in(client, reviewer.email, DEMO_PASSWORD).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"Weekly calls: 0 of 40 evaluations submitted since", home)


def test_the_demo_has_targets_and_the_measures_the_staff_review_reads(app, client_as):
    from datetime import UTC, datetime

    from qa_app.models import MetricTarget

    seed.seed(n_interactions=200, models=False, now=datetime(2026, 11, 15, tzinfo=UTC))
    targets = db.session.scalars(select(MetricTarget)).all()
    assert {t.metric for t in targets} >= {"fcr", "aht", "csat_top2", "qa_score"}
    assert any(t.team_id is not None for t in targets)
    missing = select(func.count()).where(Interaction.region.is_(None) | Interaction.topic.is_(None))
    assert db.session.scalar(missing) == 0
    assert db.session.scalar(select(func.count()).where(Interaction.wrap_seconds > 0)) == 200
    page = client_as("executive").get("/reports/staff?period=2026-10")
    assert page.status_code == 200 and b'data-testid="staff-table"' in page.data
