"""Run the test suite on SQLite, then on PostgreSQL when one is configured.

``make test`` calls this. The PostgreSQL run needs ``TEST_DATABASE_URL``
(for example ``postgresql://postgres@127.0.0.1:5432/test``); the suite creates
and drops its own database on that server. Without it the PostgreSQL run is
skipped with one line saying so, unless ``QA_REQUIRE_POSTGRES=1`` (CI), where
an unreachable server fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg


def _postgres_problem(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def _pytest(label: str, env: dict[str, str], args: list[str]) -> int:
    print(f"\n===== {label} =====", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main(args: list[str]) -> int:
    base = dict(os.environ)
    base.pop("QA_TEST_DB", None)
    codes = [_pytest("Test run on SQLite", base | {"QA_TEST_DB": "sqlite"}, args)]

    url = os.environ.get("TEST_DATABASE_URL", "")
    required = os.environ.get("QA_REQUIRE_POSTGRES") == "1"
    if not url:
        message = (
            "PostgreSQL run skipped: TEST_DATABASE_URL is not set "
            "(e.g. TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make test)."
        )
        print(f"\n{message}")
        if required:
            return 1
    elif problem := _postgres_problem(url):
        print(
            f"\nPostgreSQL run {'FAILED' if required else 'skipped'}: "
            f"cannot reach TEST_DATABASE_URL ({problem})."
        )
        if required:
            return 1
    else:
        # The pure cores do not touch a database: run the application tests only.
        pg_args = args or ["tests/qa_app"]
        codes.append(
            _pytest("Test run on PostgreSQL", base | {"QA_TEST_DB": "postgresql"}, pg_args)
        )
    return max(codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
