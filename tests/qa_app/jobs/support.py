"""Job kinds used only by the tests: they fail on demand, so retries show."""

from __future__ import annotations

from qa_app.extensions import db
from qa_app.jobs.registry import JobFailedError, register
from qa_app.models import Job

# job id -> how many attempts fail before one succeeds
FAILURES: dict[int, int] = {}


def _clean_up(job: Job, reason: str) -> None:
    job.result = {**job.result, "cleaned": True}


@register("test.flaky", on_failed=_clean_up)
def flaky(job: Job, report) -> dict:
    report.step("working", 50)
    if FAILURES.get(job.id, 0) >= job.attempts:
        db.session.add(Job(kind="test.flaky", title="never committed", owner_id=job.owner_id))
        db.session.flush()  # half-done work must be rolled back, never half-kept
        raise ConnectionError(f"database went away on attempt {job.attempts}")
    return {"summary": "fine", "attempt": job.attempts}


@register("test.refused")
def refused(job: Job, report) -> dict:
    raise JobFailedError("The file has no header row.")


@register("test.hostile_result")
def hostile_result(job: Job, report) -> dict:
    return {"summary": "cell \x00 and \ud800", "problems": [[2, "\x00col", "bad"]]}
