"""``flask jobs worker`` (the Huey consumer for this application) and ``flask jobs reap``."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from qa_app.jobs import queue, runner

jobs_cli = AppGroup("jobs", help="Background jobs: run a worker, reap interrupted jobs.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker threads (default: JOB_WORKERS, 2).")  # fmt: skip
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the every-minute reaper of interrupted jobs.")  # fmt: skip
def worker_command(workers: int | None, periodic: bool) -> None:
    """Take jobs from the queue and run them until stopped (Ctrl-C / SIGTERM).

    Run one or more anywhere the application's configuration points at the same
    database and queue: the instance folder's SQLite queue on this machine, or
    REDIS_URL for workers on other machines."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    huey = queue.huey()
    if huey.immediate:
        raise click.ClickException(
            "JOBS_IMMEDIATE is on: jobs run inside requests and there is nothing to consume."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    count = workers or int(app.config.get("JOB_WORKERS", 2))
    where = (app.config.get("REDIS_URL") and "Redis") or f"SQLite {queue.sqlite_file(app)}"
    click.echo(f"Job worker: {count} thread(s) on the {where} queue.")
    consumer = huey.create_consumer(workers=count, worker_type="thread", periodic=periodic)
    consumer.run()


@jobs_cli.command("reap")
def reap_command() -> None:
    """Retry or fail jobs left running by a worker that stopped."""
    click.echo(f"Reaped {runner.reap()} job(s).")
