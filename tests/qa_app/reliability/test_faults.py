"""The fault test: kill a web worker in the middle of reviewers' submits and
the job worker in the middle of a model training, then prove that nothing
submitted was lost or duplicated, that the training was retried (or failed
with a reason), and that the database is intact.

Everything is real: gunicorn with the repository's configuration, ``flask jobs
worker`` on the embedded queue file, reviewers speaking HTTP, SIGKILL.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import sqlalchemy as sa

import scorecards
from qa_app.extensions import db
from qa_app.flags import jobs as flag_jobs
from qa_app.jobs import queue, runner
from qa_app.models import Assignment, Evaluation, FlagModel, Job
from tests.qa_app.flags.support import load_interactions
from tests.qa_app.helpers import PASSWORD
from tests.qa_app.reliability.processes import Gunicorn, JobWorker, environment
from tests.qa_app.reliability.reviewer import Reviewer

REVIEWERS = 4
PER_REVIEWER = 6


def test_killed_web_and_job_workers_lose_nothing_and_duplicate_nothing(app, make, tmp_path):
    team = make.team("Faults")
    agents = [make.user("agent", team=team) for _ in range(4)]
    reviewers = [make.user("reviewer", team=team) for _ in range(REVIEWERS)]
    lead = make.user("executive", team=team)
    version = make.scorecard().versions[0]
    interactions = load_interactions(agents, n=2000)  # training data as well as work
    work = {reviewer.id: [] for reviewer in reviewers}
    for number, interaction_id in enumerate(interactions[: REVIEWERS * PER_REVIEWER]):
        reviewer = reviewers[number % REVIEWERS]
        assignment = Assignment(interaction_id=interaction_id, reviewer_id=reviewer.id,
                                scorecard_version_id=version.id)  # fmt: skip
        db.session.add(assignment)
        db.session.flush()
        work[reviewer.id].append(assignment.id)
    db.session.commit()

    queue_file = tmp_path / "jobs.sqlite"
    app.config.update(JOBS_IMMEDIATE=False, JOBS_SQLITE_FILE=str(queue_file))
    huey = queue.install(app, queue.build(app, immediate=False))
    env = environment(app, queue_file)
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    job_worker = JobWorker(env, tmp_path / "worker.log")
    try:
        model = flag_jobs.start_training("escalation", None, lead)
        job_id = model.meta["job_id"]
        _wait_for(lambda: _job(job_id).status == "running", "the training to start")
        job_worker.kill()  # mid-training: no handler runs, the heartbeat stops
        assert _job(job_id).status == "running"

        clients = [Reviewer(server.base, r.email, PASSWORD, i) for i, r in enumerate(reviewers)]
        threads = [threading.Thread(target=_work, args=(c, work[r.id]))
                   for c, r in zip(clients, reviewers, strict=True)]  # fmt: skip
        for thread in threads:
            thread.start()
        _wait_for(lambda: sum(len(c.confirmed) for c in clients) >= 3, "the first submits")
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)  # mid-submits
        for thread in threads:
            thread.join(300)
        assert not any(t.is_alive() for t in threads), "a reviewer never finished"
        assert [c.failure for c in clients if c.failure] == []
        assert victim not in server.workers() and len(server.workers()) == 2  # replaced

        # The training: a new worker, and the reaper finds the silent job.
        job_worker = JobWorker(env, tmp_path / "worker.log")
        app.config["JOB_STALE_AFTER"] = 1
        time.sleep(1.5)
        assert runner.reap() == 1
        _wait_for(lambda: _job(job_id).done, "the training to end", seconds=600)
    finally:
        job_worker.stop()
        server.stop()
        huey.storage.close()

    job = _job(job_id)
    assert (job.status == "succeeded" and job.attempts == 2) or (
        job.status == "failed" and "interrupted" in job.error
    ), (job.status, job.attempts, job.error, (tmp_path / "worker.log").read_text()[-2000:])
    assert db.session.get(FlagModel, model.id).status != "training"

    _assert_every_submit_kept_once(clients, work, version)
    _assert_database_intact()
    print(f"\nfault test: {sum(len(v) for v in work.values())} submits, "
          f"{sum(c.retried for c in clients)} requests retried after the kill, "
          f"training job {job.status} after {job.attempts} attempts")  # fmt: skip


def _work(client: Reviewer, assignments: list[int]) -> None:
    try:
        client.sign_in()
        for assignment_id in assignments:
            client.complete(assignment_id)
    except Exception as exc:  # said by the test's own assertion, with the reason
        client.failure = f"{client.email}: {exc!r}"


def _job(job_id: int) -> Job:
    db.session.rollback()  # end the read: see the other processes' commits
    return db.session.get(Job, job_id)


def _wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _assert_every_submit_kept_once(clients, work, version) -> None:
    db.session.rollback()
    expected = sorted(a for ids in work.values() for a in ids)
    submitted = db.session.execute(
        sa.select(Evaluation.assignment_id, Evaluation.id).where(Evaluation.status == "submitted")
    ).all()
    by_assignment = sorted(row.assignment_id for row in submitted)
    assert by_assignment == expected  # every assignment once: none lost, none twice
    confirmed = {e for c in clients for e in c.confirmed.values() if e != -1}
    assert confirmed <= {row.id for row in submitted}  # what the server confirmed is there
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Assignment).where(Assignment.status != "done")
        )
        == 0
    )
    questions = len(scorecards.from_dict(version.definition).questions())
    for evaluation in db.session.scalars(
        sa.select(Evaluation).where(Evaluation.status == "submitted")
    ):
        assert evaluation.total is not None
        assert len(evaluation.answers) == questions, evaluation.id


def _assert_database_intact() -> None:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    else:
        # Every index readable and consistent with its table: amcheck's verdict.
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = (
            connection.exec_driver_sql(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = 'public'"
            )
            .scalars()
            .all()
        )
        for oid in indexes:
            connection.exec_driver_sql(f"SELECT bt_index_check({oid}, true)")
        assert indexes
    db.session.rollback()
