"""A job's life: queued, running, succeeded or failed with a reason; retries of
unexpected errors; the reaper for jobs whose worker died."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from qa_app.extensions import db
from qa_app.jobs import runner
from qa_app.models import Job, utcnow
from tests.qa_app.jobs.support import FAILURES


def _flaky(user, failures: int, queue=None) -> Job:
    job = runner.create("test.flaky", user, "Flaky work")
    FAILURES[job.id] = failures
    runner.enqueue(job)
    if queue is not None:
        queue.work()
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_a_job_runs_and_keeps_its_result(app, users):
    job = _flaky(users["executive"], 0)
    assert (job.status, job.progress, job.stage, job.attempts) == ("succeeded", 100, "done", 1)
    assert job.result == {"summary": "fine", "attempt": 1} and job.error == ""
    assert job.started_at <= job.finished_at and job.task_id


def test_a_result_quoting_unstorable_characters_is_kept_with_them_replaced(app, users):
    job = runner.submit("test.hostile_result", users["executive"], "Hostile cells")
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "succeeded"
    assert job.result == {
        "summary": "cell \ufffd and \ufffd",
        "problems": [[2, "\ufffdcol", "bad"]],
    }


def test_an_unexpected_error_is_retried_and_the_retry_can_succeed(app, users, job_queue):
    job = _flaky(users["executive"], 2, job_queue)  # JOB_RETRIES = 2: three attempts
    assert job.status == "succeeded" and job.attempts == 3 and job.result["attempt"] == 3
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1  # nothing half-kept


def test_after_the_last_retry_the_job_fails_with_the_reason(app, users, job_queue):
    job = _flaky(users["executive"], 99, job_queue)
    assert job.status == "failed" and job.attempts == 3 and job.finished_at
    assert job.error == (
        "Failed after 3 attempt(s): ConnectionError: database went away on attempt 3"
    )
    assert job.result == {"cleaned": True}  # the kind's clean-up ran


def test_while_a_retry_waits_the_job_says_why(app, users, job_queue):
    app.config["JOB_RETRIES"] = 1
    job = runner.create("test.flaky", users["executive"], "Flaky work")
    FAILURES[job.id] = 1
    runner.enqueue(job)
    task = job_queue.huey.dequeue()
    job_queue.huey.execute(task)  # the first attempt fails; its retry is queued
    db.session.expire_all()
    assert job.status == "queued" and job.stage == "waiting to retry"
    assert "Attempt 1 failed (ConnectionError" in job.error and "will be retried" in job.error
    assert job_queue.work() == 1 and job.status == "succeeded" and job.error == ""


def test_an_expected_failure_is_not_retried(app, users, job_queue):
    job = runner.submit("test.refused", users["executive"], "Refused")
    job_queue.work()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts, job.error) == ("failed", 1, "The file has no header row.")


def test_a_job_the_server_does_not_know_fails_with_a_reason(app, users):
    with pytest.raises(ValueError, match="unknown job kind"):
        runner.create("nope", users["executive"], "x")
    job = Job(kind="gone.kind", title="old", owner_id=users["executive"].id)
    db.session.add(job)
    db.session.commit()
    runner.run(job.id)
    assert job.status == "failed" and "does not know the job kind 'gone.kind'" in job.error


def test_a_queue_that_cannot_be_reached_fails_the_job_at_once(app, users, monkeypatch):
    from qa_app.jobs import queue

    def down(task):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(queue, "send", down)
    with pytest.raises(runner.QueueUnavailableError):
        runner.submit("test.flaky", users["executive"], "x")
    job = db.session.scalar(select(Job))
    assert job.status == "failed" and "could not be queued" in job.error


def _running(user, attempts: int, last_sign: timedelta) -> Job:
    job = runner.create("test.flaky", user, "Interrupted work")
    FAILURES[job.id] = 0
    job.status, job.attempts = "running", attempts
    job.started_at = job.heartbeat_at = utcnow() - last_sign
    db.session.commit()
    return job


def test_the_reaper_queues_again_a_job_whose_worker_died(app, users, job_queue):
    job = _running(users["executive"], 1, timedelta(hours=2))
    fresh = _running(users["executive"], 1, timedelta(minutes=5))
    assert runner.reap() == 1
    assert job.status == "queued" and "Interrupted: attempt 1 showed no sign of life" in job.error
    assert fresh.status == "running"  # still within JOB_STALE_AFTER
    assert job_queue.work() == 1
    assert job.status == "succeeded" and job.attempts == 2


def test_the_reaper_fails_a_job_without_attempts_left(app, users):
    job = _running(users["executive"], 3, timedelta(hours=2))
    assert runner.reap() == 1
    assert job.status == "failed" and "no attempts remain" in job.error
    assert job.result == {"cleaned": True} and runner.reap() == 0


def test_the_reaper_honours_the_configured_timeout(app, users):
    app.config["JOB_STALE_AFTER"] = 60
    _running(users["executive"], 3, timedelta(minutes=5))
    assert runner.reap() == 1


def test_the_database_refuses_an_unknown_status_or_progress(app, users):
    for fields in ({"status": "paused"}, {"progress": 101}):
        db.session.add(Job(kind="x", title="x", owner_id=users["agent"].id, **fields))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_job_stopped_by_a_worker_shutdown_is_queued_again_at_once(app, users, job_queue):
    from huey.signals import SIGNAL_INTERRUPTED

    job = runner.create("test.flaky", users["executive"], "Interrupted by a deploy")
    FAILURES[job.id] = 0
    runner.enqueue(job)
    task = job_queue.huey.dequeue()
    job.status, job.attempts, job.started_at = "running", 1, utcnow()
    db.session.commit()
    job_queue.huey._emit(SIGNAL_INTERRUPTED, task)  # what the consumer does on SIGTERM
    assert job.status == "queued" and "was stopped when its worker shut down" in job.error
    assert job_queue.work() == 1 and job.status == "succeeded" and job.attempts == 2
