"""Retention as a background job: an admin reads the dry-run report on the
retention page, then queues the purge; the worker runs it (audited, as the CLI)."""

from __future__ import annotations

from typing import Any

from qa_app.jobs import runner
from qa_app.jobs.registry import JobFailedError, Reporter, register
from qa_app.models import Job, User
from qa_app.privacy import retention

PURGE = "privacy.purge"


def start_purge(actor: User) -> Job:
    """Queue the purge of every transcript past the retention period."""
    return runner.submit(PURGE, actor, "Purge transcripts past the retention period")


@register(PURGE)
def _purge(job: Job, report: Reporter) -> dict[str, Any]:
    try:
        done = retention.purge_transcripts(dry_run=False, actor=job.owner, via="job")
    except ValueError as exc:  # a bad TRANSCRIPT_RETENTION_DAYS: retrying cannot help
        raise JobFailedError(str(exc)) from exc
    if done.days is None:
        raise JobFailedError("TRANSCRIPT_RETENTION_DAYS is not set: transcripts are kept.")
    return {
        "summary": f"Purged {done.purged} transcript(s) older than {done.days} days.",
        "purged": done.purged,
    }
