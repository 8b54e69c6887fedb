"""Run the test suite on SQLite, then on PostgreSQL when a server is there.

``make test`` calls this. The PostgreSQL run uses ``TEST_DATABASE_URL``, or a
local server with trust authentication at the default address below; the
suite creates and drops its own database on that server. When no server
answers, the PostgreSQL run is skipped with one line saying so, unless
``QA_REQUIRE_POSTGRES=1`` (CI), where an unreachable server fails the run.

Arguments are passed to pytest. The last line printed sums both runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|errors?)")


def _postgres_problem(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def _pytest(label: str, env: dict[str, str], args: list[str], totals: dict[str, int]) -> int:
    """Run pytest, echoing its output, and add its summary counts to ``totals``."""
    print(f"\n===== {label} =====", flush=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.strip():
            last = line
    code = process.wait()
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
    codes = [_pytest("Test run on SQLite", base | {"QA_TEST_DB": "sqlite"}, args, totals)]

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
        codes.append(_pytest("Test run on PostgreSQL", env, args or ["tests/qa_app"], totals))

    line = f"{totals.get('passed', 0)} passed, {totals.get('failed', 0)} failed"
    if totals.get("skipped"):
        line += f", {totals['skipped']} skipped"
    print(f"\nboth: {line}")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
