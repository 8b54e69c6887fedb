"""Submitting, running and reaping jobs.

A job moves queued -> running -> succeeded | failed. ``run`` is what the worker
executes for a job id: it records each attempt, calls the kind's handler and
stores its result. An unexpected error is retried by Huey while retries remain
(the row says why, and that a retry is coming); an expected one (``JobFailedError``)
fails at once with its reason.

A worker that dies mid-run (killed, machine restarted) leaves its job "running"
with an old heartbeat. ``reap`` (every minute in the consumer, and when the jobs
page opens) sends such a job to the queue again while attempts remain, or marks
it failed as interrupted.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.jobs import queue
from qa_app.jobs.registry import KINDS, JobFailedError, Reporter
from qa_app.models import Job, User, utcnow
from qa_app.storable import storable


class QueueUnavailableError(Exception):
    """The job could not be handed to the queue (Redis down...); it is marked failed."""


def submit(kind: str, owner: User, title: str, params: dict[str, Any] | None = None) -> Job:
    """Create a queued job and hand it to the queue. In immediate mode (tests)
    it has run by the time this returns."""
    return enqueue(create(kind, owner, title, params))


def create(kind: str, owner: User, title: str, params: dict[str, Any] | None = None) -> Job:
    """The queued row alone, for callers that link it elsewhere before ``enqueue``."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, owner_id=owner.id, title=title[:200], params=params or {})
    db.session.add(job)
    db.session.commit()
    return job


def enqueue(job: Job) -> Job:
    task = queue.new_task(job.id)
    job.task_id = task.id
    job.status = "queued"
    db.session.commit()
    try:
        queue.send(task)
    except Exception as exc:  # the queue's server is down: say so, never a 500 later
        db.session.rollback()
        fail(job, f"could not be queued: {type(exc).__name__}: {exc}")
        raise QueueUnavailableError(job.error) from exc
    return job


def max_attempts() -> int:
    return int(current_app.config.get("JOB_RETRIES", 2)) + 1


def run(job_id: int, *, retries_left: int = 0) -> None:
    """Execute one attempt of a job (called by the worker through Huey)."""
    job = db.session.get(Job, job_id)
    if job is None or job.done:  # deleted, or reaped meanwhile
        return
    kind = KINDS.get(job.kind)
    if kind is None:
        fail(job, f"this server does not know the job kind {job.kind!r}")
        return
    now = utcnow()
    job.status = "running"
    job.attempts += 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.stage = "started" if job.attempts == 1 else f"attempt {job.attempts}"
    db.session.commit()
    try:
        result = kind.handler(job, Reporter(job))
    except JobFailedError as exc:
        db.session.rollback()
        fail(job, str(exc))
        return
    except Exception as exc:
        db.session.rollback()
        reason = f"{type(exc).__name__}: {exc}"
        current_app.logger.exception(
            "job %s (%s) attempt %s failed", job_id, job.kind, job.attempts
        )
        if retries_left > 0:
            job.status = "queued"
            job.stage = "waiting to retry"
            job.error = f"Attempt {job.attempts} failed ({reason}); it will be retried."
            db.session.commit()
            raise  # Huey schedules the retry
        fail(job, f"Failed after {job.attempts} attempt(s): {reason}")
        return
    job.status = "succeeded"
    job.progress = 100
    job.stage = "done"
    job.result = storable(result or {})
    job.error = ""
    job.finished_at = utcnow()
    db.session.commit()


def fail(job: Job, reason: str) -> None:
    """Mark ``job`` failed with ``reason`` and let its kind clean up."""
    job.status = "failed"
    job.stage = "failed"
    job.error = storable(reason)
    job.finished_at = utcnow()
    db.session.commit()
    kind = KINDS.get(job.kind)
    if kind is not None and kind.on_failed is not None:
        kind.on_failed(job, reason)
        db.session.commit()


def stale_after() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("JOB_STALE_AFTER", 3600)))


def reap(now: datetime | None = None) -> int:
    """Retry or fail running jobs that stopped showing signs of life."""
    now = now or utcnow()
    cutoff = now - stale_after()
    stuck = db.session.scalars(
        select(Job).where(
            Job.status == "running", func.coalesce(Job.heartbeat_at, Job.started_at) < cutoff
        )
    ).all()
    for job in stuck:
        since = (job.heartbeat_at or job.started_at or now).strftime("%Y-%m-%d %H:%M UTC")
        _retry_or_fail(job, f"showed no sign of life since {since} (its worker probably stopped)")
    return len(stuck)


def interrupted(job_id: int) -> None:
    """The worker is shutting down while this job runs (SIGTERM, a deploy): queue
    it again at once rather than wait for the reaper."""
    job = db.session.get(Job, job_id)
    if job is not None and job.status == "running":
        _retry_or_fail(job, "was stopped when its worker shut down")


def _retry_or_fail(job: Job, what_happened: str) -> None:
    if job.attempts < max_attempts():
        job.error = f"Interrupted: attempt {job.attempts} {what_happened}; it was queued again."
        with suppress(QueueUnavailableError):  # enqueue marked it failed, with the reason
            enqueue(job)
    else:
        fail(job, f"Interrupted: attempt {job.attempts} {what_happened} and no attempts remain.")


def visible_to(user: User):
    """Jobs ``user`` may see: their own; an admin sees everyone's."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    if user.role != "admin":
        query = query.where(Job.owner_id == user.id)
    return query
