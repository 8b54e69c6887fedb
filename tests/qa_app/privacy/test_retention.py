"""Transcript retention: a dry run reports, a real run empties old transcripts
(and only those), keeps evaluations and metadata, and is audited."""

from datetime import UTC, datetime

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEvent, Evaluation, Interaction
from qa_app.privacy.retention import purge_transcripts

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def at(month: int, d: int) -> datetime:
    return datetime(2026, month, d, 9, 0, tzinfo=UTC)


def events() -> list[AuditEvent]:
    query = db.select(AuditEvent).where(AuditEvent.action == "retention.purged")
    return list(db.session.scalars(query))


@pytest.fixture
def history(app, make, users, submit):
    """Two old calls and an old chat, one recent call; the oldest is evaluated."""
    app.config["TRANSCRIPT_RETENTION_DAYS"] = 90
    evaluation = submit(started_at=at(3, 1))
    old_call = make.interaction(users["agent"], started_at=at(5, 2), meta={"region": "north"})
    old_chat = make.interaction(users["agent"], channel="chat", started_at=at(6, 3))
    recent = make.interaction(users["agent"], started_at=at(11, 20))
    return evaluation, old_call, old_chat, recent


def test_the_dry_run_reports_per_team_and_channel_and_changes_nothing(history):
    report = purge_transcripts(NOW, dry_run=True)
    assert (report.count, report.purged, report.dry_run) == (3, 0, True)
    assert [(g.team, g.channel, g.count) for g in report.groups] == [
        ("Support", "call", 2),
        ("Support", "chat", 1),
    ]
    assert (report.oldest, report.newest) == (at(3, 1), at(6, 3))
    assert report.cutoff == datetime(2026, 8, 28, 12, 0, tzinfo=UTC)
    assert all(i.transcript for i in db.session.scalars(db.select(Interaction)))
    assert events() == []


def test_a_purge_empties_old_transcripts_and_keeps_evaluations_and_metadata(history, users):
    evaluation, old_call, _old_chat, recent = history
    total = evaluation.total
    report = purge_transcripts(NOW, dry_run=False, actor=users["admin"])
    assert report.purged == 3
    db.session.expire_all()
    purged = db.session.get(Interaction, old_call.id)
    assert (purged.transcript, purged.purged_at) == ([], NOW)
    assert purged.meta == {"region": "north"} and purged.duration_seconds == 300
    assert db.session.get(Interaction, recent.id).transcript != []
    assert db.session.get(Interaction, recent.id).purged_at is None
    kept = db.session.get(Evaluation, evaluation.id)
    assert (kept.total, len(kept.answers)) == (total, len(evaluation.answers))
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "retention.purged"))
    assert event.actor_id == users["admin"].id and event.at is not None
    assert event.before["transcripts"] == 3 and event.before["retention_days"] == 90
    assert event.after["purged"] == 3 and event.after["via"] == "job"


def test_a_second_run_finds_nothing_and_writes_no_event(history):
    purge_transcripts(NOW, dry_run=False)
    again = purge_transcripts(NOW, dry_run=False)
    assert (again.count, again.purged) == (0, 0)
    assert len(events()) == 1


def test_without_a_period_nothing_is_ever_purged(history, app):
    app.config["TRANSCRIPT_RETENTION_DAYS"] = None
    report = purge_transcripts(NOW, dry_run=False)
    assert (report.days, report.count, report.purged) == (None, 0, 0)
    assert all(i.purged_at is None for i in db.session.scalars(db.select(Interaction)))


def test_the_cli_reports_first_and_purges_only_with_yes(history, runner):
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Support / call: 2" in dry.output and "Would purge 3 transcript(s)" in dry.output
    assert all(i.purged_at is None for i in db.session.scalars(db.select(Interaction)))
    done = runner.invoke(args=["retention", "purge", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Purged 3 transcript(s)" in done.output
    [event] = events()
    assert event.actor_id is None and event.after["via"].startswith("cli")
    both = runner.invoke(args=["retention", "purge", "--dry-run", "--yes"])
    assert both.exit_code == 2 and "Choose one" in both.output


def test_a_bad_period_is_a_clear_error(history, app, runner):
    app.config["TRANSCRIPT_RETENTION_DAYS"] = 0
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 1 and "TRANSCRIPT_RETENTION_DAYS must be 1 or more" in result.output


def test_the_interaction_page_says_when_the_transcript_was_purged(history, client_as):
    _evaluation, old_call, _chat, _recent = history
    purge_transcripts(NOW, dry_run=False)
    html = client_as("reviewer").get(f"/interactions/{old_call.id}").get_data(as_text=True)
    assert "Transcript purged on 2026-11-26 (retention)." in html
    assert "My parcel is late." not in html


def test_reimporting_a_purged_interaction_brings_its_transcript_back(history, tmp_path):
    from qa_app.interactions.importer import import_file
    from tests.qa_app.interactions.support import csv_bytes, row

    path = tmp_path / "again.csv"
    path.write_bytes(csv_bytes([row(1)]))
    import_file(path, source="crm")
    purge_transcripts(NOW, dry_run=False)
    item = db.session.scalar(db.select(Interaction).where(Interaction.source == "crm"))
    assert item.purged_at == NOW and item.transcript == []
    import_file(path, source="crm")
    db.session.expire_all()
    assert item.purged_at is None and item.transcript[1]["text"] == "My parcel is late."
