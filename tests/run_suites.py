"""Run the test suite on SQLite and, at the same time, on PostgreSQL when a
server is there.

``make test`` calls this. The PostgreSQL run uses ``TEST_DATABASE_URL``, or a
local server with trust authentication at the default address below; the
suite creates and drops its own database on that server. When no server
answers, the PostgreSQL run is skipped with one line saying so, unless
``QA_REQUIRE_POSTGRES=1`` (CI), where an unreachable server fails the run.

The two runs share nothing (each has its own database, temporary folders and
job queue names) and spend much of their time waiting on a browser or on the
server, so they run side by side; each run's output is printed whole when it
ends. Arguments are passed to pytest. The last line printed sums both runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|errors?)")


def _postgres_problem(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


class Run:
    """One pytest run in the background, its output kept in a file."""

    def __init__(self, label: str, env: dict[str, str], args: list[str]) -> None:
        self.label = label
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in finish)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        print(f"{label}: started", flush=True)

    def finish(self, totals: dict[str, int]) -> int:
        """Wait, print the run's output, add its summary counts to ``totals``."""
        code = self.process.wait()
        minutes = (time.monotonic() - self.started) / 60
        print(f"\n===== {self.label} ({minutes:.1f} min) =====", flush=True)
        self.log.seek(0)
        last = ""
        for line in self.log:
            print(line, end="")
            if line.strip():
                last = line
        sys.stdout.flush()
        self.log.close()
        for count, word in SUMMARY.findall(last):
            key = "failed" if word.startswith("error") else word
            totals[key] = totals.get(key, 0) + int(count)
        return code


def main(args: list[str]) -> int:
    base = dict(os.environ)
    base.pop("QA_TEST_DB", None)
    # Every property at its full budget (tests/fuzzing.py); a bare pytest runs
    # the quick "dev" profile.
    base.setdefault("HYPOTHESIS_PROFILE", "ci")
    totals: dict[str, int] = {}
    runs = [Run("Test run on SQLite", base | {"QA_TEST_DB": "sqlite"}, args)]
    codes = []

    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    required = os.environ.get("QA_REQUIRE_POSTGRES") == "1"
    if problem := _postgres_problem(url):
        state = "FAILED" if required else "skipped"
        print(
            f"\nPostgreSQL run {state}: cannot reach {url} ({problem}). "
            "Set TEST_DATABASE_URL to a server where the suite may create databases."
        )
        codes.append(1 if required else 0)
    else:
        # The pure cores never touch a database: the application tests suffice.
        env = base | {"QA_TEST_DB": "postgresql", "TEST_DATABASE_URL": url}
        runs.append(Run("Test run on PostgreSQL", env, args or ["tests/qa_app"]))
    codes += [run.finish(totals) for run in runs]

    line = f"{totals.get('passed', 0)} passed, {totals.get('failed', 0)} failed"
    if totals.get("skipped"):
        line += f", {totals['skipped']} skipped"
    print(f"\nboth: {line}")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
