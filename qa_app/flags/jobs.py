"""Background training, until the project has a job queue (a later issue adds Huey).

``start_training`` creates the FlagModel row (status ``training``) in the request,
so the registry page shows it at once, and trains in a ``threading.Thread`` with
its own application context (hence its own database session). The thread writes
its stage and percentage to ``meta["progress"]``; the page polls it.

Limits, on purpose for now: the thread lives in the web process, so a restart or
a worker recycled by gunicorn ends the run. Such a row stops getting progress
updates; after ``STALE_AFTER`` it is marked failed ("interrupted") the next time
someone opens the registry or starts a run, and a new run can be started.
With ``FLAG_TRAINING_SYNC = True`` (tests) the run happens inside the request.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.flags import training
from qa_app.flags.services import TARGETS, FlagServiceError
from qa_app.models import FlagModel, User, utcnow

STALE_AFTER = timedelta(hours=6)


def start_training(target: str, since: datetime | None, actor: User | None) -> FlagModel:
    """Start training a new version of ``target``; refused while one is running."""
    if target not in TARGETS:
        raise FlagServiceError(f"Unknown target {target!r}.")
    reap_stale()
    running = db.session.scalar(
        select(FlagModel).where(FlagModel.target == target, FlagModel.status == "training")
    )
    if running is not None:
        raise FlagServiceError(
            f"Version {running.version} of {target} is still training; wait for it to finish."
        )
    row = training.new_model_row(target, actor, since)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("FLAG_TRAINING_SYNC"):
        _run(app, row.id, same_context=True)
    else:
        worker = threading.Thread(
            target=_run, args=(app, row.id), name=f"flag-training-{row.id}", daemon=True
        )
        worker.start()
    return row


def _run(app: Flask, row_id: int, *, same_context: bool = False) -> None:
    if same_context:
        _train(app, row_id)
        return
    with app.app_context():
        try:
            _train(app, row_id)
        finally:
            db.session.remove()


def _train(app: Flask, row_id: int) -> None:
    row = db.session.get(FlagModel, row_id)
    if row is None:  # pragma: no cover - deleted meanwhile
        return
    try:
        training.run(row)
    except Exception:  # recorded on the row by training.run; keep the server up
        app.logger.exception("training flag model %s failed", row_id)


def reap_stale(now: datetime | None = None) -> int:
    """Mark runs that stopped reporting progress as failed (interrupted)."""
    now = now or utcnow()
    reaped = 0
    for row in db.session.scalars(select(FlagModel).where(FlagModel.status == "training")):
        stamp = (row.meta or {}).get("progress", {}).get("updated_at")
        updated = datetime.fromisoformat(stamp) if stamp else row.created_at
        if now - updated > STALE_AFTER:
            row.status = "failed"
            row.error = (
                "Interrupted: the server stopped before training finished "
                "(background training does not survive a restart yet). Train again."
            )
            reaped += 1
    if reaped:
        db.session.commit()
    return reaped
