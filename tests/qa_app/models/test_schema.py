"""The migrations build exactly the schema the models describe, and the
database itself enforces the rules that must never bend."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_app import create_app
from qa_app.extensions import db
from qa_app.models import Evaluation, Interaction, Scorecard, ScorecardVersion, User
from qa_app.models.scorecard import ImmutableVersionError
from qa_app.reviews import evaluations
from tests.qa_app.helpers import TEST_CONFIG, Factory


def test_migrations_and_models_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_team_and_channel_migration_copies_them_from_the_interactions(tmp_path):
    """0013 fills each existing evaluation's team and channel from its
    interaction (a team-less one too). Run on a SQLite file of its own, down to
    0011 (the columns go) and up again; the same UPDATE ... FROM migrated the
    PostgreSQL bench database."""
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": url})
    placed = sa.text("SELECT id, team_id, channel FROM evaluations ORDER BY id")
    with app.app_context():
        upgrade()
        make = Factory()
        sales, reviewer = make.team("Sales"), make.user("reviewer")
        version = _version(make)
        for agent, channel in (
            (make.user("agent", team=sales), "chat"),
            (make.user("agent"), "email"),
        ):
            item = make.interaction(agent, channel=channel)
            db.session.add(
                evaluations.new(item, scorecard_version_id=version.id, reviewer_id=reviewer.id)
            )
        db.session.commit()
        sales_id, before = sales.id, db.session.execute(placed).all()
        db.session.remove()
        downgrade(revision="0015_contact_metrics")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("evaluations")}
        assert not {"team_id", "channel"} & columns
        upgrade()
        assert (
            db.session.execute(placed).all()
            == before
            == [(1, sales_id, "chat"), (2, None, "email")]
        )
        db.session.remove()
        db.engine.dispose()


def _version(make) -> ScorecardVersion:
    card = Scorecard(name="Inbound", channel="call", status="published")
    db.session.add(card)
    db.session.flush()
    version = ScorecardVersion(scorecard_id=card.id, number=1, definition={"name": "Inbound"})
    db.session.add(version)
    db.session.commit()
    return version


def test_published_version_cannot_be_changed_through_the_orm(app, make):
    version = _version(make)
    version.definition = {"name": "tampered"}
    with pytest.raises(ImmutableVersionError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(ImmutableVersionError):
        db.session.delete(version)
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE scorecard_versions SET definition = '{}' WHERE id = :id",
        "DELETE FROM scorecard_versions WHERE id = :id",
    ],
)
def test_published_version_cannot_be_changed_in_the_database(app, make, statement):
    version = _version(make)
    with pytest.raises(sa.exc.DatabaseError, match="immutable"), db.engine.begin() as conn:
        conn.execute(sa.text(statement), {"id": version.id})
    db.session.expire_all()
    assert db.session.get(ScorecardVersion, version.id).definition == {"name": "Inbound"}


def test_timestamps_come_back_timezone_aware_in_utc(app, make):
    agent = make.user("agent")
    paris = timezone(timedelta(hours=1))
    item = make.interaction(agent, started_at=datetime(2026, 3, 1, 10, 0, tzinfo=paris))
    db.session.expire_all()
    loaded = db.session.get(Interaction, item.id)
    assert loaded.started_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert loaded.started_at.tzinfo is not None


def test_naive_timestamps_are_refused(app, make):
    agent = make.user("agent")
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        make.interaction(agent, started_at=datetime(2026, 3, 1, 10, 0))
    db.session.rollback()


@pytest.mark.parametrize(
    "fields",
    [{"csat": 6}, {"csat": 0}, {"channel": "fax"}, {"duration_seconds": -1}],
)
def test_check_constraints_refuse_impossible_interactions(app, make, fields):
    agent = make.user("agent")
    with pytest.raises(IntegrityError):
        make.interaction(agent, **fields)
    db.session.rollback()


def test_same_external_id_from_the_same_source_is_refused(app, make):
    agent = make.user("agent")
    make.interaction(agent, external_id="A-1")
    with pytest.raises(IntegrityError):
        make.interaction(agent, external_id="A-1")
    db.session.rollback()
    assert make.interaction(agent, external_id="A-1", source="other").id


def test_unknown_role_is_refused_by_the_database(app):
    db.session.add(User(email="x@example.test", name="X", role="superuser"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_stale_evaluation_update_is_refused_not_overwritten(app, make):
    reviewer, agent = make.user("reviewer"), make.user("agent")
    item = make.interaction(agent)
    version = _version(make)
    evaluation = evaluations.new(item, scorecard_version_id=version.id, reviewer_id=reviewer.id)
    db.session.add(evaluation)
    db.session.commit()
    # Someone else saves first: the row's counter moves on.
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE evaluations SET comment = 'theirs', "
                "lock_version = lock_version + 1 WHERE id = :id"
            ),
            {"id": evaluation.id},
        )
    evaluation.comment = "mine"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).comment == "theirs"
