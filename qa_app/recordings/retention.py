"""Recording retention and the subject export's list of recordings.

``purge(now, dry_run)``: recordings of interactions that started more than
``RECORDING_RETENTION_DAYS`` ago are deleted, row and file, with one audit
event; ``flask retention purge`` runs it beside the transcript purge. The rows
go first (one commit), the files after: a crash between leaves unreferenced
files, never a row pointing at nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import Interaction, Recording, User, utcnow
from qa_app.recordings import settings, storage


@dataclass
class RecordingPurge:
    days: int | None
    dry_run: bool
    count: int = 0
    bytes: int = 0


def retention_days() -> int | None:
    value = settings.get("RECORDING_RETENTION_DAYS")
    if value in (None, "", "none", "None"):
        return None
    days = int(value)
    if days < 1:
        raise ValueError(f"RECORDING_RETENTION_DAYS must be 1 or more, not {value!r}.")
    return days


def purge(now: datetime | None = None, dry_run: bool = True, *, actor: User | None = None,
          via: str = "job") -> RecordingPurge:  # fmt: skip
    days = retention_days()
    if days is None:
        return RecordingPurge(None, dry_run)
    cutoff = (now or utcnow()) - timedelta(days=days)
    due = db.session.scalars(
        db.select(Recording)
        .join(Interaction, Interaction.id == Recording.interaction_id)
        .where(Interaction.started_at < cutoff)
    ).all()
    report = RecordingPurge(days, dry_run, len(due), sum(r.size_bytes for r in due))
    if dry_run or not due:
        return report
    names = [r.storage_name for r in due]
    for rec in due:
        db.session.delete(rec)
    audit.record(actor, "retention.recordings_purged", "recording", None,
                 {"retention_days": days, "cutoff": cutoff.isoformat()},
                 {"purged": len(due), "bytes": report.bytes, "via": via})  # fmt: skip
    db.session.commit()
    for name in names:
        storage.remove(name)
    return report


def of_agent(agent: User) -> list[dict[str, Any]]:
    """The agent's recordings, for the subject export (facts, not the audio)."""
    rows = db.session.scalars(
        db.select(Recording)
        .join(Interaction, Interaction.id == Recording.interaction_id)
        .where(Interaction.agent_id == agent.id)
        .order_by(Recording.id)
    ).all()
    return [
        {"interaction_id": r.interaction_id, "uploaded_at": r.uploaded_at.isoformat(),
         "duration_s": r.duration_s, "codec": r.codec, "channels": r.channels,
         "sha256": r.sha256, "transcribed_at": r.transcribed_at.isoformat()
         if r.transcribed_at else None}
        for r in rows
    ]  # fmt: skip
