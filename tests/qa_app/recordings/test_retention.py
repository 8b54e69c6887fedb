"""Recordings past RECORDING_RETENTION_DAYS go with `flask retention purge`
(row and file, audited); the subject export lists an agent's recordings."""

from datetime import UTC, datetime

from qa_app.extensions import db
from qa_app.models import AuditEvent, Recording
from qa_app.privacy.export import subject_data
from qa_app.recordings import services
from tests.speech.sounds import encode, tones


def _with_recording(make, users, started_at):
    item = make.interaction(users["agent"], started_at=started_at)
    services.attach(item, encode(tones(1.0, 8000, 1), 8000, "wav-pcm"), "a.wav", users["admin"])
    return item


def test_purge_deletes_old_recordings_after_a_dry_run(app, runner, make, users, recordings_folder):
    app.config["RECORDING_RETENTION_DAYS"] = 30
    _with_recording(make, users, datetime(2020, 1, 1, tzinfo=UTC))
    recent = _with_recording(make, users, datetime.now(UTC))
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert "Would delete 1" in dry.output and len(list(recordings_folder.iterdir())) == 2
    done = runner.invoke(args=["retention", "purge", "--yes"])
    assert "Deleted 1" in done.output, done.output
    kept = db.session.scalars(db.select(Recording)).all()
    assert [r.interaction_id for r in kept] == [recent.id]
    assert [p.name for p in recordings_folder.iterdir()] == [kept[0].storage_name]
    assert (
        db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "retention.recordings_purged")
        ).after["purged"]
        == 1
    )


def test_the_subject_export_lists_the_agents_recordings(app, make, users):
    item = _with_recording(make, users, datetime(2026, 11, 2, tzinfo=UTC))
    listed = subject_data(users["agent"])["recordings"]
    assert [r["interaction_id"] for r in listed] == [item.id]
    assert subject_data(users["reviewer"])["recordings"] == []
