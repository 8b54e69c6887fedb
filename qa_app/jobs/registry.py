"""What a job kind is: a handler run in the worker, plus what to do when the job
finally fails (for instance mark the model version it was training as failed).

Feature modules register their kinds at import time; the application imports
them when it registers its blueprints, so web processes and the consumer (which
builds the same application) know the same kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from qa_app.extensions import db
from qa_app.models import Job, utcnow

Handler = Callable[["Job", "Reporter"], dict[str, Any] | None]
OnFailed = Callable[["Job", str], None]


class JobFailedError(Exception):
    """An expected failure with a reason for the user (bad input, one class of
    labels...): recorded at once, never retried, since a retry would fail the same way."""


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    on_failed: OnFailed | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, *, on_failed: OnFailed | None = None) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        KINDS[name] = Kind(name, handler, on_failed)
        return handler

    return decorate


class Reporter:
    """Progress of one running job, written where other processes can read it."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def step(self, stage: str, percent: int) -> None:
        """Record progress and commit the session: for work that commits between
        its steps anyway (training, scoring in batches, exports)."""
        self.job.stage = stage[:200]
        self.job.progress = _clamp(percent)
        self.job.heartbeat_at = utcnow()
        db.session.commit()

    def note(self, stage: str, percent: int) -> None:
        """Record progress without touching the session's transaction: for work
        that must commit all at once (an import). On PostgreSQL it is written
        through a separate connection; on SQLite, where a second writer would
        wait for the first, it is skipped and the page shows the last step."""
        if db.engine.dialect.name == "sqlite":
            return
        with db.engine.begin() as connection:
            connection.execute(
                update(Job)
                .where(Job.id == self.job.id)
                .values(stage=stage[:200], progress=_clamp(percent), heartbeat_at=utcnow())
            )


def _clamp(percent: float) -> int:
    return max(0, min(100, int(percent)))
