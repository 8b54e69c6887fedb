"""Flagging work as background jobs: training a new version, scoring every interaction.

``start_training`` creates the FlagModel row (status ``training``) and its Job in
the request, so the registry page shows it at once, then queues the job; the
Huey worker trains (``training.run`` writes its stage to the row and the job).
If the worker dies mid-run, the job reaper retries it or marks it failed, and
the row with it. In immediate mode (tests: ``JOBS_IMMEDIATE``) the training has
finished when ``start_training`` returns, as ``FLAG_TRAINING_SYNC`` used to do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.flags import services, training
from qa_app.flags.services import TARGETS, FlagServiceError
from qa_app.jobs import runner
from qa_app.jobs.registry import JobFailedError, Reporter, register
from qa_app.models import FlagModel, Job, User

TRAIN = "flags.train"
SCORE_ALL = "flags.score_all"


def start_training(target: str, since: datetime | None, actor: User) -> FlagModel:
    """Queue training of a new version of ``target``; refused while one is training."""
    if target not in TARGETS:
        raise FlagServiceError(f"Unknown target {target!r}.")
    running = db.session.scalar(
        select(FlagModel).where(FlagModel.target == target, FlagModel.status == "training")
    )
    if running is not None:
        raise FlagServiceError(
            f"Version {running.version} of {target} is still training; wait for it to finish."
        )
    row = training.new_model_row(target, actor, since)
    job = runner.create(TRAIN, actor, f"Train {target} model v{row.version}", {"model_id": row.id})
    row.meta = {**row.meta, "job_id": job.id}
    db.session.commit()
    try:
        runner.enqueue(job)
    except runner.QueueUnavailableError as exc:
        raise FlagServiceError(f"Training could not start: {exc}") from exc
    return row


@register(TRAIN, on_failed=lambda job, reason: _training_failed(job, reason))
def _train(job: Job, report: Reporter) -> dict[str, Any]:
    row = db.session.get(FlagModel, job.params["model_id"])
    if row is None:
        raise JobFailedError("The model version to train no longer exists.")
    if row.status != "training":  # a retry after an unexpected error
        row.status, row.error = "training", ""
        db.session.commit()
    training.run(row, progress=report.step)
    if row.status == "failed":
        raise JobFailedError(row.error)
    return {
        "summary": f"{row.target.capitalize()} v{row.version} trained on {row.meta.get('rows')} "
        f"labelled interactions" + (" and activated." if row.active else "."),
        "link": ["flags.model", {"model_id": row.id}],
        "model_id": row.id,
    }


def _training_failed(job: Job, reason: str) -> None:
    row = db.session.get(FlagModel, job.params.get("model_id"))
    if row is not None and row.status == "training":
        row.status = "failed"
        row.error = reason
        progress = {**(row.meta or {}).get("progress", {}), "stage": "failed", "percent": 100}
        row.meta = {**row.meta, "progress": progress}


def start_scoring_all(actor: User, target: str | None = None) -> Job:
    """Queue scoring every interaction with the active model(s)."""
    if not services.active_models(target):
        raise FlagServiceError("No active model: train and activate one first.")
    title = f"Score all interactions ({target or 'every active model'})"
    try:
        return runner.submit(SCORE_ALL, actor, title, {"target": target})
    except runner.QueueUnavailableError as exc:
        raise FlagServiceError(f"Scoring could not start: {exc}") from exc


@register(SCORE_ALL)
def _score_all(job: Job, report: Reporter) -> dict[str, Any]:
    target = job.params.get("target")
    total = services.count_to_score(all_interactions=True, target=target)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        report.step(f"scored {done} of {total}", 100 * done // max(total, 1))

    report.step(f"scoring {total} interactions", 0)
    try:
        scored = services.score(all_interactions=True, target=target, progress=progress)
    except FlagServiceError as exc:
        raise JobFailedError(str(exc)) from exc
    return {"summary": f"Scored {scored} interaction(s).", "scored": scored,
            "link": ["flags.queue_page", {}]}  # fmt: skip
