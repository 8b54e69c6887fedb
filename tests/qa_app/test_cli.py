"""The ``flask`` commands an operator runs: first admin, demo organisation."""

from datetime import UTC, datetime

from sqlalchemy import func

import scorecards
from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation, Interaction, Scorecard, Team, User
from qa_app.reviews import evaluations as reviews


def test_users_create_makes_the_first_admin_with_a_team(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@Example.test",
            "--role",
            "admin",
            "--team",
            "Head office",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.role, user.team.name) == ("boss@example.test", "admin", "Head office")
    assert user.check_password("long enough password")


def test_users_create_refuses_a_duplicate_with_a_message(runner, users):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "admin@example.test",
            "--role",
            "agent",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code != 0
    assert "email: Another account already uses this e-mail." in result.output


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.test",
            "--role",
            "agent",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert db.session.scalar(db.select(func.count()).select_from(User)) == 0


def test_demo_seed_builds_the_organisation_and_prints_sign_ins(runner):
    result = runner.invoke(args=["demo", "seed", "--interactions", "300"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.example" in result.output and "agent@demo.example" in result.output
    roles = dict(db.session.execute(db.select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "executive": 2, "reviewer": 4, "agent": 24}
    assert db.session.scalar(db.select(func.count()).select_from(Team)) == 3
    assert db.session.scalar(db.select(func.count()).select_from(Interaction)) == 300
    agent = db.session.scalar(db.select(User).where(User.email == "agent@demo.example"))
    assert agent.check_password("demo-password-2026") and agent.team is not None
    evaluations = db.session.scalars(db.select(Evaluation)).all()
    assert 10 <= len(evaluations) <= 60 and all(e.status == "submitted" for e in evaluations)
    for evaluation in evaluations[:10]:  # stored scores are the engine's scores
        assert evaluation.total == reviews.card_result(evaluation).total
    assert db.session.scalar(db.select(func.count()).select_from(Assignment)) > 0
    published = db.session.scalars(db.select(Scorecard).where(Scorecard.status == "published"))
    assert len(published.all()) == len(scorecards.list_library()) >= 4


def test_demo_seed_is_reproducible(runner, app):
    runner.invoke(args=["demo", "seed", "--interactions", "50", "--seed", "3"])
    first = db.session.execute(
        db.select(Interaction.external_id, Interaction.channel, Interaction.transcript).order_by(
            Interaction.external_id
        )
    ).all()
    assert first and all(item.transcript for item in first)
    latest = db.session.scalar(db.select(func.max(Interaction.started_at)))
    assert latest <= datetime.now(UTC)


def test_demo_seed_refuses_a_non_empty_database_unless_forced(runner, users):
    refused = runner.invoke(args=["demo", "seed", "--interactions", "10"])
    assert refused.exit_code != 0 and "not empty" in refused.output
    skipped = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert skipped.exit_code == 0 and "skipped" in skipped.output
    assert db.session.scalar(db.select(func.count()).select_from(Interaction)) == 0
