"""Views marked ``@read_only``: their GETs run without a transaction, refuse to
write, and leave nothing behind for the next request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask, jsonify

from qa_app.access import roles_required
from qa_app.extensions import csrf, db
from qa_app.models import Team
from qa_app.readonly import ReadOnlyError, read_only
from qa_app.reports import results

TEAMS = Team.__table__
WORK_MEM = sa.select(sa.func.current_setting("work_mem"))  # a SELECT: no text statement


def _state() -> dict:
    """How the request's statements run, as the view sees it."""
    conn = db.session.connection()
    state = {"autocommit": conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"}
    if conn.dialect.name == "postgresql":
        # In a transaction begun by an earlier statement (the sign-in lookup),
        # now() is that transaction's start; on its own, this statement's.
        state["own_transaction"] = conn.scalar(
            sa.select(sa.func.now() == sa.func.statement_timestamp())
        )
    return state


@pytest.fixture
def probes(app: Flask) -> Flask:
    """Test-only views, registered before the first request."""

    @app.route("/probe/read", methods=["GET", "POST"])
    @roles_required("executive")
    @read_only
    def probe_read():
        return jsonify(_state())

    csrf.exempt(probe_read)

    @app.route("/probe/plain")
    @roles_required("executive")
    def probe_plain():
        return jsonify(_state())

    @app.route("/probe/save")
    @roles_required("executive")
    @read_only
    def probe_save():
        db.session.add(Team(name="Written by a read-only page"))
        db.session.commit()
        return "saved"

    @app.route("/probe/update")
    @roles_required("executive")
    @read_only
    def probe_update():
        db.session.execute(sa.update(TEAMS).values(name="Renamed"))
        return "updated"

    @app.route("/probe/text")
    @roles_required("executive")
    @read_only
    def probe_text():
        db.session.execute(sa.text("UPDATE teams SET name = 'Renamed'"))
        return "updated"

    @app.route("/probe/analytic")
    @roles_required("executive")
    @read_only
    def probe_analytic():
        results.analytic()
        return jsonify(work_mem=db.session.scalar(WORK_MEM), **_state())

    return app


def test_a_read_only_get_runs_each_statement_on_its_own(probes, client_as):
    state = client_as("executive").get("/probe/read").get_json()
    assert state["autocommit"] is True
    if db.engine.dialect.name == "postgresql":
        assert state["own_transaction"] is True


def test_other_views_and_methods_keep_their_transaction(probes, client_as):
    executive = client_as("executive")
    for state in (
        executive.get("/probe/plain").get_json(),
        executive.post("/probe/read").get_json(),
    ):
        assert state["autocommit"] is False
        if db.engine.dialect.name == "postgresql":
            assert state["own_transaction"] is False


@pytest.mark.parametrize("path", ["/probe/save", "/probe/update", "/probe/text"])
def test_a_read_only_view_cannot_write(probes, client_as, users, path):
    names = sorted(db.session.scalars(sa.select(Team.name)))
    executive = client_as("executive")
    with pytest.raises(ReadOnlyError, match="is read-only and tried to"):
        executive.get(path)
    assert sorted(db.session.scalars(sa.select(Team.name))) == names


def test_settings_that_need_a_transaction_get_one_and_end_with_the_request(probes, client_as):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the analytic settings are PostgreSQL's")
    executive = client_as("executive")
    state = executive.get("/probe/analytic").get_json()
    assert state["work_mem"] == "64MB"
    assert state["autocommit"] is True and state["own_transaction"] is False  # one transaction
    db.session.remove()
    assert db.session.scalar(WORK_MEM) != "64MB"  # rolled back with it


def test_the_next_request_and_the_session_are_as_before(probes, client_as, make):
    executive = client_as("executive")
    assert executive.get("/probe/read").get_json()["autocommit"] is True
    assert executive.get("/probe/plain").get_json()["autocommit"] is False
    team = make.team("Made after a read-only page")  # commits through the same session
    assert db.session.connection().get_execution_options().get("isolation_level") != "AUTOCOMMIT"
    assert db.session.get(Team, team.id).name == "Made after a read-only page"


def test_every_report_page_is_read_only_and_the_export_job_is_not(app: Flask):
    marked = {
        rule.endpoint: getattr(app.view_functions[rule.endpoint], "read_only", False)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("reports.") and rule.endpoint != "reports.static"
    }
    assert marked.pop("reports.export_job") is False
    assert marked and all(marked.values()), marked
