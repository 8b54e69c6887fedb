"""A query sent before its page renders (``qa_app.reports.early``): the same rows
as SQLAlchemy gives, and a connection that is never left in pipeline mode
whatever runs next (another statement, a commit, a rollback, the pool)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from qa_app.extensions import db
from qa_app.models import ScorecardVersion, Team
from qa_app.reports import early

TEAMS = Team.__table__
BY_NAME = sa.select(TEAMS.c.id, TEAMS.c.name).order_by(TEAMS.c.name)
FAILING = sa.select(sa.literal_column("1") / sa.literal_column("0"))  # fails when it runs


def _postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's; SQLite runs the statement at once")


def _in_pipeline(session: Session) -> bool:
    driver = session.connection().connection.driver_connection
    return bool(driver.pgconn.pipeline_status)


@pytest.fixture
def teams(make):
    for name in ("Blue", "Amber", "Coral"):
        make.team(name)
    db.session.commit()
    return [tuple(row) for row in db.session.execute(BY_NAME)]


def test_the_rows_are_those_sqlalchemy_returns(teams):
    assert [name for _, name in teams] == ["Amber", "Blue", "Coral"]
    assert early.send(db.session(), BY_NAME).rows() == teams


def test_rows_read_twice_are_read_once(teams):
    sent = early.send(db.session(), BY_NAME)
    assert sent.rows() is sent.rows()


class Shouted(sa.types.TypeDecorator):
    """A column SQLAlchemy converts after the driver returns it."""

    impl = sa.String
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value.upper()


def test_a_statement_whose_values_sqlalchemy_converts_runs_at_once(teams):
    query = sa.select(sa.type_coerce(TEAMS.c.name, Shouted())).order_by(TEAMS.c.name)
    sent = early.send(db.session(), query)
    if db.engine.dialect.name == "postgresql":
        assert not _in_pipeline(db.session())  # already read: nothing in flight
    assert sent.rows() == [("AMBER",), ("BLUE",), ("CORAL",)]


def test_json_comes_back_as_sqlalchemy_gives_it(make):
    card = make.scorecard()
    db.session.commit()
    versions = ScorecardVersion.__table__
    query = sa.select(versions.c.definition).where(versions.c.scorecard_id == card.id)
    rows = early.send(db.session(), query).rows()
    assert rows == [tuple(row) for row in db.session.execute(query)]
    assert isinstance(rows[0][0], dict)


def test_the_query_is_in_flight_until_read(teams):
    _postgresql_only()
    sent = early.send(db.session(), BY_NAME)
    assert _in_pipeline(db.session())
    assert sent.rows() == teams
    assert not _in_pipeline(db.session())


def test_another_statement_reads_the_sent_rows_first(teams):
    _postgresql_only()
    sent = early.send(db.session(), BY_NAME)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(TEAMS))
    assert count == 3
    assert not _in_pipeline(db.session())
    assert sent.rows() == teams


def test_a_second_query_sent_reads_the_first_one_first(teams):
    _postgresql_only()
    first = early.send(db.session(), BY_NAME)
    second = early.send(db.session(), BY_NAME.where(TEAMS.c.name != "Blue"))
    assert first.rows() == teams
    assert second.rows() == [teams[0], teams[2]]


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_end_of_the_transaction_reads_unread_rows(teams, end):
    _postgresql_only()
    sent = early.send(db.session(), BY_NAME)
    getattr(db.session, end)()
    assert sent.rows() == teams  # kept from before the end
    assert not _in_pipeline(db.session())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TEAMS)) == 3


def test_a_failed_query_raises_sqlalchemys_error_to_its_reader(teams):
    _postgresql_only()
    sent = early.send(db.session(), FAILING)
    with pytest.raises(sa.exc.DataError, match="division by zero"):
        sent.rows()
    with pytest.raises(sa.exc.DataError, match="division by zero"):
        sent.rows()  # again, not an empty result
    db.session.rollback()
    assert early.send(db.session(), BY_NAME).rows() == teams


def test_an_unread_failed_query_does_not_break_the_rollback(teams):
    _postgresql_only()
    sent = early.send(db.session(), FAILING)
    db.session.rollback()  # the end of a request whose page failed before reading
    assert not _in_pipeline(db.session())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TEAMS)) == 3
    with pytest.raises(sa.exc.DataError, match="division by zero"):
        sent.rows()


def test_a_connection_back_in_the_pool_is_out_of_pipeline_mode(teams):
    _postgresql_only()
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        sent = early.send(Session(bind=conn), BY_NAME)
        assert driver.pgconn.pipeline_status
    assert not driver.pgconn.pipeline_status
    assert sent.rows() == teams
    with db.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(TEAMS)) == 3


def test_listeners_see_the_statement_sent_and_read(teams):
    _postgresql_only()
    seen: list[tuple[str, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(("before", statement))

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(("after", statement))

    sa.event.listen(db.engine, "before_cursor_execute", before)
    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        sent = early.send(db.session(), BY_NAME)
        assert [when for when, _ in seen] == ["before"]
        sent.rows()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
    assert [when for when, _ in seen] == ["before", "after"]
    assert all("FROM teams ORDER BY teams.name" in statement for _, statement in seen)
