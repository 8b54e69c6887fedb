"""Which queue an application uses, and the ``flask jobs`` commands."""

from __future__ import annotations

from datetime import timedelta

from huey import MemoryHuey, RedisHuey, SqliteHuey

from qa_app import create_app
from qa_app.extensions import db
from qa_app.jobs import queue, runner
from qa_app.models import Job, utcnow
from tests.qa_app.helpers import TEST_CONFIG


def _app(tmp_path, **config):
    return create_app(TEST_CONFIG | {"JOBS_IMMEDIATE": False,
                                     "SQLALCHEMY_DATABASE_URI": "sqlite://"} | config)  # fmt: skip


def test_the_embedded_default_is_a_sqlite_queue_in_the_instance_folder(tmp_path):
    app = _app(tmp_path, JOBS_SQLITE_FILE=str(tmp_path / "queue" / "jobs.sqlite"))
    assert not (tmp_path / "queue" / "jobs.sqlite").exists()  # nothing until first use
    huey = queue.of(app)
    assert isinstance(huey, SqliteHuey) and not huey.immediate
    assert (tmp_path / "queue" / "jobs.sqlite").exists() and queue.of(app) is huey
    default = create_app(TEST_CONFIG | {"JOBS_IMMEDIATE": True})
    assert queue.sqlite_file(default).parent.name == "instance"


def test_redis_url_selects_redis_and_tests_run_in_process(tmp_path):
    app = _app(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    assert isinstance(queue.of(app), RedisHuey)
    assert queue.of(create_app(TEST_CONFIG)).immediate


def test_redis_url_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://queue.example:6379/0")
    config = {k: v for k, v in TEST_CONFIG.items() if k != "REDIS_URL"}
    app = create_app(config | {"JOBS_IMMEDIATE": False})
    assert app.config["REDIS_URL"] == "redis://queue.example:6379/0"
    assert isinstance(queue.of(app), RedisHuey)


def test_the_same_task_names_on_every_process(app):
    names = set(queue.of(app)._registry._registry)
    assert any(n.endswith(".run_job") for n in names)
    assert any(n.endswith(".reap_jobs") for n in names)


def test_the_worker_command_refuses_immediate_mode(app, runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code == 1 and "JOBS_IMMEDIATE is on" in result.output


def test_the_reap_command_reaps(app, runner, users, job_queue):
    job = Job(kind="reports.export", title="x", owner_id=users["admin"].id, status="running",
              attempts=3, started_at=utcnow() - timedelta(days=1))  # fmt: skip
    db.session.add(job)
    db.session.commit()
    result = runner.invoke(args=["jobs", "reap"])
    assert result.exit_code == 0 and "Reaped 1 job(s)." in result.output
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "failed"


def test_a_memory_queue_holds_jobs_until_worked(app, users, job_queue):
    assert isinstance(job_queue.huey, MemoryHuey)
    job = runner.submit("reports.export", users["executive"], "Export",
                        {"fmt": "csv", "args": {}, "rows": 0})  # fmt: skip
    assert job.status == "queued" and job_queue.pending() == 1
    assert job_queue.work() == 1 and db.session.get(Job, job.id).status == "succeeded"
