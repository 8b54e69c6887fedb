"""Real processes for the fault test: gunicorn with the repository's
configuration and ``flask jobs worker``, both on the test's database.

Imported by the tests, not a fixture module: each test decides when to start
and, above all, when to kill.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from flask import Flask

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(app: Flask, queue_file: Path) -> dict[str, str]:
    """What a deployment's processes share: database, secret, queue."""
    return {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")} | {
        "FLASK_APP": "qa_app",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": app.config["SECRET_KEY"],
        "QA_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "QA_JOBS_SQLITE_FILE": str(queue_file),
        "QA_JOBS_IMMEDIATE": "false",
    }


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` with two workers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2",
                     "GUNICORN_THREADS": "2"}  # fmt: skip
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)  # fmt: skip
        self.log = log
        deadline = time.monotonic() + 60
        while len(self.workers()) < 2 or not self._answers():
            assert self.process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start\n" + log.read_text()[-3000:]
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            return requests.get(self.base + "/auth/login", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def workers(self) -> list[int]:
        """The worker processes' ids, read from the kernel (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck server
            self.process.kill()
            self.process.wait()


class JobWorker:
    """``flask jobs worker`` with one thread and no periodic reaper (the test reaps)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        command = [sys.executable, "-m", "flask", "jobs", "worker", "--workers", "1",
                   "--no-periodic"]  # fmt: skip
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)  # fmt: skip

    def kill(self) -> None:
        """SIGKILL: no handler runs, as when a machine dies."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.kill()
