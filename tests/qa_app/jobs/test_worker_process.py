"""One job through a real queue and a real worker process (``flask jobs worker``)
sharing the test's database: Redis on 127.0.0.1:6379 (what a team runs), and the
embedded SQLite queue file (the default).

Skipped with the reason when Redis does not answer, unless QA_REQUIRE_REDIS=1
(CI), where a missing Redis is a failure.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from qa_app.extensions import db
from qa_app.jobs import queue, runner
from qa_app.models import Job

REDIS_URL = os.environ.get("QA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[3]


def _require_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis is not reachable at {REDIS_URL} ({exc}); the Redis round trip is skipped"
        if os.environ.get("QA_REQUIRE_REDIS") == "1":
            pytest.fail(reason.replace("is skipped", "is required (QA_REQUIRE_REDIS=1)"))
        pytest.skip(reason)
    finally:
        client.close()


def _worker(app, name: str, log: Path, **queue_env: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {
        "FLASK_APP": "qa_app",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "test-only-secret",
        "QA_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "QA_JOBS_QUEUE_NAME": name,
        "QA_JOBS_IMMEDIATE": "false",
        **queue_env,
    }
    command = [sys.executable, "-m", "flask", "jobs", "worker", "--workers", "1", "--no-periodic"]
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_a_job_goes_through_redis_to_a_worker_process(app, users, tmp_path):
    _require_redis()
    name = f"qa-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=name)
    huey = queue.install(app, queue.build(app, immediate=False))
    worker = _worker(app, name, tmp_path / "worker.log", REDIS_URL=REDIS_URL)
    try:
        _round_trip(users, tmp_path / "worker.log", huey)
    finally:
        _stop(worker)
        huey.flush()
        huey.storage.pool.disconnect()


def test_a_job_goes_through_the_embedded_sqlite_queue_to_a_worker_process(app, users, tmp_path):
    """The default: no server at all, the queue is a file both processes open."""
    path = str(tmp_path / "jobs.sqlite")
    app.config.update(JOBS_SQLITE_FILE=path)
    huey = queue.install(app, queue.build(app, immediate=False))
    worker = _worker(app, "qa-jobs", tmp_path / "worker.log", QA_JOBS_SQLITE_FILE=path)
    try:
        _round_trip(users, tmp_path / "worker.log", huey)
    finally:
        _stop(worker)
        huey.storage.close()


def _round_trip(users, log: Path, huey) -> None:
    """Submit a job from this process; the worker process runs it."""
    job = runner.submit("reports.export", users["executive"], "Export through the queue",
                        {"fmt": "csv", "args": {}, "rows": 0})  # fmt: skip
    assert job.status == "queued"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and job.status in ("queued", "running"):
        time.sleep(0.3)
        db.session.rollback()  # end the read, see the worker's commits
        job = db.session.get(Job, job.id)
    assert job.status == "succeeded", log.read_text()[-3000:]
    assert job.attempts == 1 and job.result["rows"] == 0 and job.result["file"]
    assert huey.pending_count() == 0


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGINT)  # graceful: finish the running job, then exit
    try:
        worker.wait(20)
    except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker
        worker.kill()
        worker.wait()
