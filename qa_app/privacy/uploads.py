"""Stale import uploads: the one place raw transcripts sit on disk.

An upload waits in ``instance/uploads`` between preview and confirm as the file
the user sent, before redaction (the import redacts as it writes). An upload
left unconfirmed, and the rejects file of a finished one, is removed once older
than ``UPLOAD_MAX_AGE_HOURS``; an upload whose import is running is left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from qa_app.interactions import uploads
from qa_app.models import utcnow


@dataclass
class UploadsReport:
    uploads: int
    bytes: int
    dry_run: bool


def purge_stale_uploads(now: datetime | None = None, dry_run: bool = True) -> UploadsReport:
    """Remove every file of uploads created more than ``UPLOAD_MAX_AGE_HOURS`` ago."""
    now = now or utcnow()
    cutoff = now - timedelta(hours=float(current_app.config["UPLOAD_MAX_AGE_HOURS"]))
    folder = uploads.root()
    count = size = 0
    for meta in sorted(folder.glob("*.json")):
        token = meta.stem
        try:
            created = datetime.fromisoformat(json.loads(meta.read_text())["created_at"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not one of ours, or being written: leave it
        if created >= cutoff or (folder / f"{token}.claim").exists():
            continue
        files = [p for p in folder.glob(f"{token}.*") if p.is_file()]
        count += 1
        size += sum(p.stat().st_size for p in files)
        if not dry_run:
            for path in sorted(files, key=lambda p: p.suffix == ".json"):  # meta last
                path.unlink(missing_ok=True)
    return UploadsReport(count, size, dry_run)
