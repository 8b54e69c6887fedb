"""Auto-scoring as a background job: new and updated interactions of an import."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from qa_app.autoqa import scoring
from qa_app.extensions import db
from qa_app.jobs import runner
from qa_app.jobs.registry import Reporter, register
from qa_app.models import AutoQaModel, Interaction, Job, User

SCORE_IMPORTED = "autoqa.score_imported"


def start_if_on(owner: User, source: str, since: datetime) -> Job | None:
    """Queue auto-scoring the interactions an import wrote (``source``, imported
    at or after ``since``) once AutoQA is on (``flask autoqa train`` has run).
    Called explicitly at the end of the import job."""
    if db.session.scalar(select(AutoQaModel.id).limit(1)) is None:
        return None
    params = {"source": source, "since": since.isoformat()}
    try:
        return runner.submit(SCORE_IMPORTED, owner, f"Auto-score import from {source}", params)
    except runner.QueueUnavailableError as exc:  # the import stands; run `flask autoqa run`
        current_app.logger.warning("imported interactions not auto-scored: %s", exc)
        return None


@register(SCORE_IMPORTED)
def _score_imported(job: Job, report: Reporter) -> dict[str, Any]:
    since = datetime.fromisoformat(job.params["since"])
    ids = list(db.session.scalars(select(Interaction.id).where(
        Interaction.source == job.params["source"], Interaction.imported_at >= since)))  # fmt: skip
    report.step(f"auto-scoring {len(ids)} interaction(s)", 0)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        report.step(f"auto-scored {done} of {len(ids)}", 100 * done // max(len(ids), 1))

    scored = scoring.run(ids, progress=progress)
    return {"summary": f"Auto-scored {scored} interaction(s).", "scored": scored}
