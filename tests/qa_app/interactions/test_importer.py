"""Writing files to the database: all or nothing by default, good rows plus a
rejects file on request, updates on re-import, agents and teams checked in bulk."""

import csv
import io

import pytest
from sqlalchemy import event, func

from qa_app.extensions import db
from qa_app.interactions import importer
from qa_app.interactions.importer import import_file
from qa_app.models import AuditEvent, Interaction, Team, User
from tests.qa_app.interactions.support import csv_bytes, jsonl_bytes, row


def count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Interaction))


def write(tmp_path, data: bytes, name: str = "calls.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_clean_file_is_imported_with_every_field(users, tmp_path):
    measures = {
        "topic": "billing",
        "region": "north",
        "hold_seconds": "30",
        "wrap_seconds": "45",
        "transferred": "yes",
        "resolved_first_contact": "no",
    }
    first = row(1, queue="Q7", **measures)
    path = write(tmp_path, csv_bytes([first, row(2, csat="", escalated="")]))
    summary = import_file(path, source="crm", actor=users["admin"])
    assert (summary.created, summary.updated, summary.rejected, summary.problems) == (2, 0, 0, [])
    item = db.session.scalar(db.select(Interaction).where(Interaction.external_id == "c-1"))
    assert (item.source, item.agent_id, item.team_id) == (
        "crm",
        users["agent"].id,
        users["agent"].team_id,
    )
    assert (item.csat, item.escalated, item.customer_ref) == (4, False, "cust-1")
    assert item.meta == {"queue": "Q7"}  # columns without a meaning of their own
    assert (item.topic, item.region, item.hold_seconds, item.wrap_seconds) == (
        "billing",
        "north",
        30,
        45,
    )
    assert (item.transferred, item.resolved_first_contact) == (True, False)
    other = db.session.scalar(db.select(Interaction).where(Interaction.external_id == "c-2"))
    assert (other.topic, other.hold_seconds, other.transferred) == (None, None, None)
    assert item.transcript[1] == {
        "speaker": "customer",
        "text": "My parcel is late.",
        "start_s": 4.0,
    }
    event_ = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "interactions.imported")
    )
    assert event_.after["created"] == 2 and event_.actor_id == users["admin"].id


def test_one_bad_row_anywhere_writes_nothing(users, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)  # the bad row is in the last batch
    rows = [row(n) for n in range(1, 6)] + [row(6, csat="11")]
    summary = import_file(write(tmp_path, csv_bytes(rows)), source="crm")
    assert (summary.created, summary.updated, summary.rejected) == (0, 0, 1)
    assert [(p.row, p.column) for p in summary.problems] == [(7, "csat")]
    assert count() == 0
    assert not (tmp_path / "calls.rejects.csv").exists()


def test_partial_imports_the_good_rows_and_writes_the_rejects_file(users, tmp_path):
    rows = [row(1), row(2, channel="fax", region="west"), row(3), row(4, agent_email="x@y.test")]
    summary = import_file(write(tmp_path, csv_bytes(rows)), source="crm", partial=True)
    assert (summary.created, summary.rejected) == (2, 2)
    assert summary.rejects_path == tmp_path / "calls.rejects.csv"
    with summary.rejects_path.open(newline="", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["external_id"], r["row"], r["region"]) for r in rejected] == [
        ("c-2", "3", "west"),
        ("c-4", "5", ""),
    ]
    assert rejected[0]["problems"] == "channel: Unknown channel 'fax'; use call, chat or email."
    assert rejected[1]["problems"].startswith("agent_email: No user has the e-mail x@y.test.")
    assert rejected[0]["transcript"] == row(2)["transcript"]
    assert count() == 2


def test_partial_rejects_go_where_asked(users, tmp_path):
    target = tmp_path / "out" / "bad.csv"
    import_file(
        write(tmp_path, csv_bytes([row(1, csat="x")])),
        source="s",
        partial=True,
        rejects_path=target,
    )
    assert target.read_text(encoding="utf-8").splitlines()[0].endswith(",row,problems")


def test_reimporting_a_source_updates_instead_of_duplicating(users, tmp_path):
    first = import_file(write(tmp_path, csv_bytes([row(1), row(2)])), source="crm")
    second = import_file(
        write(tmp_path, csv_bytes([row(2, csat="1"), row(3)]), "again.csv"), source="crm"
    )
    other_source = import_file(write(tmp_path, csv_bytes([row(1)]), "other.csv"), source="erp")
    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (1, 1)
    assert (other_source.created, other_source.updated) == (1, 0)
    assert count() == 4
    updated = db.session.scalar(
        db.select(Interaction).where(Interaction.source == "crm", Interaction.external_id == "c-2")
    )
    assert updated.csat == 1


def test_jsonl_files_import_their_turns(users, tmp_path):
    obj = {
        "external_id": "j-1",
        "channel": "chat",
        "agent_email": "agent@example.test",
        "started_at": "2026-03-01T10:00:00Z",
        "transcript": [{"speaker": "agent", "text": "Hi", "start_s": 1.5}],
    }
    summary = import_file(write(tmp_path, jsonl_bytes([obj]), "chats.jsonl"), source="chat")
    assert summary.created == 1
    item = db.session.scalar(db.select(Interaction))
    assert item.transcript == [{"speaker": "agent", "text": "Hi", "start_s": 1.5}]
    assert item.team_id == users["agent"].team_id  # no team given: the agent's team


def test_an_unknown_agent_is_rejected_with_a_clear_message(users, tmp_path):
    summary = import_file(
        write(tmp_path, csv_bytes([row(1, agent_email="New.Person@Example.test")])), source="s"
    )
    [problem] = summary.problems
    assert (problem.row, problem.column) == (2, "agent_email")
    assert problem.message == (
        "No user has the e-mail new.person@example.test. Add the agent first, "
        "or allow the import to create missing agents."
    )
    assert count() == 0


def test_create_agents_makes_inactive_password_less_agents_in_the_rows_team(users, tmp_path):
    rows = [
        row(1, agent_email="new.person@example.test"),
        row(2, agent_email="new.person@example.test"),
    ]
    summary = import_file(write(tmp_path, csv_bytes(rows)), source="s", create_agents=True)
    assert (summary.created, summary.agents_created) == (2, ["new.person@example.test"])
    agent = db.session.scalar(db.select(User).where(User.email == "new.person@example.test"))
    assert (agent.role, agent.active, agent.password_hash, agent.name) == (
        "agent",
        False,
        None,
        "New Person",
    )
    assert agent.team.name == "Support"


def test_an_unknown_team_is_rejected_unless_teams_may_be_created(users, tmp_path):
    path = write(tmp_path, csv_bytes([row(1, team="Night shift")]))
    refused = import_file(path, source="s")
    assert [(p.row, p.column, p.message) for p in refused.problems] == [
        (
            2,
            "team",
            "There is no team 'Night shift'. Create it first, "
            "or allow the import to create missing teams.",
        )
    ]
    accepted = import_file(path, source="s", create_teams=True)
    assert (accepted.created, accepted.teams_created) == (1, ["Night shift"])
    team = db.session.scalar(db.select(Team).where(Team.name == "Night shift"))
    assert db.session.scalar(db.select(Interaction.team_id)) == team.id


def test_team_names_match_regardless_of_case(users, tmp_path):
    summary = import_file(write(tmp_path, csv_bytes([row(1, team="SUPPORT")])), source="s")
    assert summary.created == 1


def test_an_account_that_is_not_an_agent_is_refused(users, tmp_path):
    summary = import_file(
        write(tmp_path, csv_bytes([row(1, agent_email="reviewer@example.test")])),
        source="s",
        create_agents=True,
    )
    assert [(p.row, p.column, p.message) for p in summary.problems] == [
        (2, "agent_email", "reviewer@example.test belongs to a reviewer, not an agent.")
    ]


def test_a_failure_in_the_middle_of_writing_rolls_everything_back(users, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    calls = {"n": 0}
    original = importer._Run._accept

    def failing(self, good):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, good)

    monkeypatch.setattr(importer._Run, "_accept", failing)
    path = write(tmp_path, csv_bytes([row(n) for n in range(1, 7)]))
    with pytest.raises(RuntimeError):
        import_file(path, source="s", create_teams=True, create_agents=True)
    assert count() == 0


def test_database_checks_and_writes_are_per_batch_not_per_row(users, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    agents = [users["agent"].email] + [f"agent{n}@example.test" for n in range(9)]
    rows = [row(n, agent_email=agents[n % 10]) for n in range(200)]
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        summary = import_file(write(tmp_path, csv_bytes(rows)), source="s", create_agents=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert summary.created == 200
    # teams once; the 10 agents looked up once (all in the first batch) and the 9
    # new ones inserted in one statement; per batch of 50: existing ids + one upsert;
    # after the commit, one look for an active flagging model to score them with.
    # Per batch too: whether the source has any evaluation (a re-import
    # may move one to another team or channel, and the report roll-ups follow it;
    # a source without any, as here, needs no more).
    expected = 1 + 1 + 1 + 4 * 3 + 1 + 1
    if db.engine.dialect.name == "postgresql":
        # The staging table: created with the first batch, emptied before each
        # later one. Each batch's COPY into it goes to the driver directly, unseen
        # by this listener, so the upsert from it remains the batch's one write;
        # the upsert reports which rows were new, so no look-up of existing ids.
        expected += 1 + 3 - 4
        upserts = [s for s in statements if s.startswith("INSERT INTO interactions")]
        assert len(upserts) == 4, statements
        assert all(importer.STAGING in s for s in upserts), upserts
    assert len(statements) == expected, statements


def test_preview_writes_nothing_and_lists_every_problem(users, tmp_path):
    rows = [row(n) for n in range(1, 15)] + [
        row(15, channel="sms"),
        row(16, agent_email="who@x.test"),
    ]
    result = importer.preview_file(write(tmp_path, csv_bytes(rows)))
    assert len(result.preview) == 10 and result.preview[0]["agent_name"] == users["agent"].name
    assert [(p.row, p.column) for p in result.problems] == [(16, "channel"), (17, "agent_email")]
    assert (result.rows, result.rejected) == (16, 2)
    assert count() == 0


def test_a_stream_needs_a_format(users):
    summary = import_file(io.BytesIO(csv_bytes([row(1)])), source="s", fmt="csv")
    assert summary.created == 1
