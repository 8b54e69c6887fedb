"""Benchmark: importing 100,000 interactions from CSV, against PostgreSQL's own COPY.

Run: ``.venv/bin/python bench/import.py [--rows N] [--runs N]``. Not part of the test run.
PostgreSQL: ``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres)
names a server; the script creates and drops its own database there.

Target: the PostgreSQL import (parse + validate + bulk agent checks + upsert, one
transaction) runs at least 0.25 x the rate of a bare ``COPY`` of the same rows into
a table of the same shape (same indexes and constraints). SQLite's rate is printed
for information. Median of ``--runs`` runs, each into an empty table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.demo.generator import generate_interactions, generate_people
from qa_app.extensions import db
from qa_app.interactions.importer import import_file
from qa_app.models import Team, User

OUT = Path(__file__).resolve().parent / "out"
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_RATIO = 0.25
META = ["topic", "issue", "queue", "hold_seconds", "prior_contacts_30d", "language"]
COLUMNS = ["external_id", "channel", "agent_email", "team", "started_at", "duration_seconds",
           "customer_id", "transcript", "csat", "escalated", *META]  # fmt: skip


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"[{whole // 60:02d}:{whole % 60:02d}]"


def cached_csv(rows: int) -> Path:
    """The generated file, made once (the generator yields ~7,000 rows/s)."""
    path = OUT / f"interactions_{rows}_v2.csv"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    print(f"generating {rows:,} rows into {path} (once) ...", flush=True)
    _teams, people = generate_people(0)
    items = generate_interactions(
        people, rows, seed=0, start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 7, 1, tzinfo=UTC), id_prefix="bench-",
    )  # fmt: skip
    temp = path.with_suffix(".tmp")
    with temp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for it in items:
            transcript = "\n".join(
                # one turn per line: a multi-line e-mail body becomes one line
                f"{clock(t['start_s'])} {t['speaker'].capitalize()}: {' '.join(t['text'].split())}"
                for t in it.turns
            )
            writer.writerow([
                it.external_id, it.channel, it.agent_email, it.team, it.started_at.isoformat(),
                it.duration_seconds, it.customer_id, transcript,
                "" if it.csat is None else it.csat, "true" if it.escalated else "false",
                *(it.metadata.get(k, "") for k in META),
            ])  # fmt: skip
    temp.replace(path)
    return path


def make_app(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        teams, people = generate_people(0)
        ids = {}
        for team in teams:
            row = Team(name=team.name)
            db.session.add(row)
            db.session.flush()
            ids[team.name] = row.id
        db.session.add_all(
            User(email=p.email, name=p.name, role=p.role, team_id=ids.get(p.team or ""))
            for p in people
        )
        db.session.commit()
    return app


def time_imports(app, path: Path, runs: int) -> list[float]:
    rates = []
    with app.app_context():
        for _ in range(runs):
            # TRUNCATE on PostgreSQL: DELETE would leave dead index entries behind
            # for the next run's conflict checks to wade through.
            empty = (
                "DELETE FROM interactions"
                if db.engine.dialect.name == "sqlite"
                else ("TRUNCATE interactions CASCADE")
            )
            db.session.execute(sa.text(empty))
            db.session.commit()
            start = time.perf_counter()
            summary = import_file(path, source="bench")
            elapsed = time.perf_counter() - start
            assert summary.created and not summary.problems, summary.problems[:5]
            rates.append(summary.created / elapsed)
            print(f"  {summary.line()} in {elapsed:.1f} s", flush=True)
    return rates


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_buffer(app, path: Path) -> tuple[bytes, int]:
    """The same rows, resolved and in COPY text format, built before timing."""
    from qa_app.interactions import parsing

    with app.app_context():
        users = dict(db.session.execute(sa.text("SELECT email, id FROM users")).all())
        teams = dict(db.session.execute(sa.text("SELECT name, id FROM teams")).all())
    now = datetime.now(UTC).isoformat()
    lines, n = [], 0
    with path.open("rb") as handle:
        for rec in parsing.read(handle, "csv"):
            fields = ["bench", rec.external_id, rec.channel, users[rec.agent_email],
                      teams[rec.team], rec.started_at.isoformat(), rec.duration_seconds,
                      rec.customer_ref, json.dumps(rec.transcript), rec.csat,
                      None if rec.escalated is None else str(rec.escalated).lower(),
                      json.dumps(rec.meta), now]  # fmt: skip
            lines.append("\t".join(_copy_text(f) for f in fields))
            n += 1
    return ("\n".join(lines) + "\n").encode(), n


def time_copy(url: str, buffer: bytes, n: int, runs: int) -> list[float]:
    import psycopg

    rates = []
    cols = ("source, external_id, channel, agent_id, team_id, started_at, duration_seconds, "
            "customer_ref, transcript, csat, escalated, metadata, imported_at")  # fmt: skip
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE copy_target (LIKE interactions INCLUDING ALL)")
        conn.commit()
        for _ in range(runs):
            conn.execute("TRUNCATE copy_target")
            conn.commit()
            start = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY copy_target ({cols}) FROM STDIN") as cp:
                for offset in range(0, len(buffer), 1 << 20):
                    cp.write(buffer[offset : offset + (1 << 20)])
            conn.commit()
            rates.append(n / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = cached_csv(args.rows)

    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite: importing {path.name}, {args.runs} runs", flush=True)
        sqlite_app = make_app(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        sqlite_rate = statistics.median(time_imports(sqlite_app, path, args.runs))
        with sqlite_app.app_context():
            db.engine.dispose()

    admin = sa.create_engine(
        SERVER.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        print(f"PostgreSQL: importing {path.name}, {args.runs} runs", flush=True)
        pg_app = make_app(url)
        pg_rate = statistics.median(time_imports(pg_app, path, args.runs))
        buffer, n = copy_buffer(pg_app, path)
        copy_rate = statistics.median(time_copy(url, buffer, n, args.runs))
        with pg_app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    ratio = pg_rate / copy_rate
    print(f"SQLite import:      {sqlite_rate:10,.0f} rows/s (median of {args.runs})")
    print(f"PostgreSQL import:  {pg_rate:10,.0f} rows/s (median of {args.runs})")
    print(f"PostgreSQL COPY:    {copy_rate:10,.0f} rows/s (ceiling, same rows, same table shape)")
    verdict = "OK" if ratio >= TARGET_RATIO else "MISSED"
    print(f"import / COPY = {ratio:.2f}   target: at least {TARGET_RATIO} x COPY   {verdict}")


if __name__ == "__main__":
    main()
