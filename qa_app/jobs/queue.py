"""The Huey instance of an application, built from its configuration.

Embedded default: ``SqliteHuey`` with its file in the instance folder, so nothing
else needs installing. Team scale: ``RedisHuey`` when ``REDIS_URL`` is set, so
workers on other machines take jobs from the same queue. ``JOBS_IMMEDIATE`` runs
each job at enqueue time in the calling thread (tests).

Only a job's id travels through the queue; everything else is in the ``jobs``
table. Two tasks are registered under fixed names, so the web process that
enqueues and the consumer that executes agree on them: ``run_job`` and the
periodic ``reap_jobs`` and ``run_due_cycles`` (every minute, in the consumer;
with several consumers each schedules them, and the review cycles' unique run
rows keep every period sampled once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.signals import SIGNAL_INTERRUPTED

from qa_app.extensions import db

RUN_TASK = "run_job"
REAP_TASK = "reap_jobs"
CYCLES_TASK = "run_due_cycles"


_BUILDING = threading.Lock()

# Further tasks registered by feature modules at import time (outgoing e-mail,
# webhooks): name -> (function run in an application context, schedule or None).
# Each is a small sweep over rows that say what is due, so a task that runs
# twice, or early, does no harm.
EXTRA: dict[str, tuple[Callable[[], None], Callable[[Flask], Any] | None]] = {}


def task(name: str, schedule: Callable[[Flask], Any] | None = None):
    """Register ``function`` as the task ``name``; ``schedule(app)`` (a crontab)
    also runs it periodically in the consumer."""

    def decorate(function: Callable[[], None]) -> Callable[[], None]:
        EXTRA[name] = (function, schedule)
        return function

    return decorate


def kick(name: str, delay: float = 0) -> None:
    """Ask a worker to run the task ``name`` soon (after ``delay`` seconds, so
    the caller's transaction has committed). Immediate mode (tests) runs
    nothing from here: the tests run the sweeps themselves, and a task run
    inside the caller would commit the caller's half-done transaction."""
    queue = huey()
    if queue.immediate:
        return
    wrapper = current_app.extensions["huey.tasks"][name]
    try:
        if delay > 0:
            wrapper.schedule(delay=delay)
        else:
            wrapper()
    except Exception:  # the queue is down: the periodic sweep catches up later
        current_app.logger.exception("could not queue task %s", name)


def init_app(app: Flask) -> None:
    """Built on first use, not here: a command that never queues anything (say
    ``flask db upgrade``) should not create the queue file or reach Redis."""
    app.extensions["huey"] = None


def of(app: Flask) -> Huey:
    """``app``'s queue, built from its configuration the first time it is needed."""
    if app.extensions.get("huey") is None:
        with _BUILDING:
            if app.extensions.get("huey") is None:
                install(app, build(app))
    return app.extensions["huey"]


def build(app: Flask, *, memory: bool = False, immediate: bool | None = None) -> Huey:
    """A Huey for ``app``'s configuration; ``memory`` (tests) keeps the queue in
    this process without running jobs until a test executes them."""
    if immediate is None:
        immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    name = app.config.get("JOBS_QUEUE_NAME", "qa-jobs")
    options = {"results": False, "utc": True, "immediate": immediate}
    if memory:
        return MemoryHuey(name, **options)
    url = app.config.get("REDIS_URL")
    if url:
        return RedisHuey(name, url=url, **options)
    return SqliteHuey(name, filename=str(sqlite_file(app)), **options)


def sqlite_file(app: Flask) -> Path:
    configured = app.config.get("JOBS_SQLITE_FILE")
    path = Path(configured) if configured else Path(app.instance_path) / "jobs.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def install(app: Flask, huey: Huey) -> Huey:
    """Register the tasks on ``huey`` and make it the application's queue."""
    from qa_app.jobs import runner

    immediate = huey.immediate
    retries = int(app.config.get("JOB_RETRIES", 2))
    # A delayed retry would wait for a scheduler that immediate mode never runs.
    delay = 0 if immediate else int(app.config.get("JOB_RETRY_DELAY", 30))

    def run_job(job_id: int, task=None) -> None:
        with app_context(app):
            runner.run(job_id, retries_left=task.retries if task is not None else 0)

    def reap_jobs() -> None:
        with app_context(app):
            runner.reap()

    def run_due_cycles() -> None:
        from qa_app.reviews import cycles

        with app_context(app):
            cycles.run_due()

    @huey.signal(SIGNAL_INTERRUPTED)
    def requeue_interrupted(signal: str, task, *args) -> None:
        if getattr(task, "name", None) == RUN_TASK and task.args:
            with app_context(app):
                runner.interrupted(task.args[0])

    tasks = {
        RUN_TASK: huey.task(retries=retries, retry_delay=delay, context=True, name=RUN_TASK)(
            run_job
        ),
        REAP_TASK: huey.periodic_task(crontab(minute="*"), name=REAP_TASK)(reap_jobs),
        CYCLES_TASK: huey.periodic_task(crontab(minute="*"), name=CYCLES_TASK)(run_due_cycles),
    }
    for name, (function, schedule) in EXTRA.items():
        tasks[name] = _extra(app, huey, name, function, schedule)
    app.extensions["huey"] = huey
    app.extensions["huey.tasks"] = tasks
    return huey


def _extra(app: Flask, huey: Huey, name: str, function, schedule) -> TaskWrapper:
    def run() -> None:
        with app_context(app):
            function()

    if schedule is not None:
        return huey.periodic_task(schedule(app), name=name)(run)
    return huey.task(name=name)(run)


@contextmanager
def app_context(app: Flask) -> Iterator[None]:
    """Immediate mode runs inside the caller's context (and session); a consumer
    thread has none, so it pushes one per task and drops its session after."""
    if has_app_context():
        yield
        return
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def huey() -> Huey:
    return of(current_app._get_current_object())  # type: ignore[attr-defined]


def run_task() -> TaskWrapper:
    huey()
    return current_app.extensions["huey.tasks"][RUN_TASK]


def new_task(job_id: int):
    """A task for ``job_id`` whose id is known before it is sent: the caller
    stores the id on the row first, so a fast consumer never sees a row without it."""
    return run_task().s(job_id)


def send(task) -> None:
    huey().enqueue(task)
