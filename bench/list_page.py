"""Benchmark: the interactions list over 1,000,000 rows on PostgreSQL.

Run: ``.venv/bin/python bench/list_page.py [--rows N] [--runs N]``. Not part of the test run.
``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres) names a
server; the script creates its own database there, fills it in SQL with
``generate_series`` and drops it afterwards.

Target: < 150 ms per page through the Flask test client signed in as an executive,
median of ``--runs``, for page 1 and for the page reached after 1,000 pages (opened
directly with its keyset cursor), unfiltered and filtered to one team.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.extensions import db
from qa_app.interactions.services import PER_PAGE, encode_cursor
from qa_app.models import User

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 150.0
PAGE = 1_000
PASSWORD = "bench password 1"

FILL = """
INSERT INTO interactions (source, external_id, channel, agent_id, team_id, started_at,
    duration_seconds, customer_ref, transcript, csat, escalated, metadata, imported_at)
SELECT 'bench', 'b-' || g, (ARRAY['call', 'chat', 'email'])[1 + g % 3],
       a.agents[1 + g % 24], a.teams[1 + (g % 24) / 8],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '47 seconds',
       60 + (g::bigint * 7919) % 1200, 'cust-' || (g % 80000),
       jsonb_build_array(
         jsonb_build_object('speaker', 'agent', 'text', 'Hello, how can I help?', 'start_s', 0),
         jsonb_build_object('speaker', 'customer', 'text', 'My parcel ' || g, 'start_s', 4)),
       CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + (g * 31) % 5 END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 9 = 0) END,
       jsonb_build_object('queue', 'Q' || g % 7), now()
FROM generate_series(1, :rows) AS g,
     (SELECT array_agg(u.id ORDER BY u.id) AS agents,
             array_agg(DISTINCT u.team_id) AS teams
      FROM users u WHERE u.role = 'agent') AS a
"""


def fill(app, rows: int) -> int:
    with app.app_context():
        teams = []
        for n in range(3):
            teams.append(db.session.execute(
                sa.text("INSERT INTO teams (name, created_at) VALUES (:n, now()) RETURNING id"),
                {"n": f"Team {n}"},
            ).scalar_one())  # fmt: skip
        boss = User(email="exec@bench.test", name="Exec", role="executive")
        boss.set_password(PASSWORD, "pbkdf2:sha256:1000")
        db.session.add(boss)
        for n in range(24):
            db.session.add(User(email=f"a{n}@bench.test", name=f"Agent {n:02d}", role="agent",
                                team_id=teams[n // 8]))  # fmt: skip
        db.session.commit()
        start = time.perf_counter()
        db.session.execute(sa.text(FILL), {"rows": rows})
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE interactions"))
        print(f"filled {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
        return teams[1]


def cursor_after_pages(app, pages: int, team_id: int | None) -> str:
    where = "WHERE team_id = :team" if team_id else ""
    sql = (f"SELECT started_at, id FROM interactions {where} "
           "ORDER BY started_at DESC, id DESC OFFSET :skip LIMIT 1")  # fmt: skip
    with app.app_context():
        started_at, id_ = db.session.execute(
            sa.text(sql), {"team": team_id, "skip": pages * PER_PAGE - 1}
        ).one()
    return encode_cursor(started_at, id_)


def time_page(client, url: str, runs: int) -> float:
    client.get(url)  # warm: templates compiled, plan cached
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('href="/interactions/') >= PER_PAGE
    return statistics.median(samples)


def explain(app, team_id: int, cursor: str) -> None:
    from qa_app.interactions.services import decode_cursor

    started_at, id_ = decode_cursor(cursor)
    sql = (
        "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM interactions WHERE team_id = :t "
        "AND (started_at, id) < (:s, :i) ORDER BY started_at DESC, id DESC LIMIT 51"
    )
    with app.app_context():
        plan = db.session.execute(sa.text(sql), {"t": team_id, "s": started_at, "i": id_})
        print("EXPLAIN team page 1,000:\n  " + "\n  ".join(r[0] for r in plan))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    admin = sa.create_engine(
        SERVER.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"bench_list_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})  # fmt: skip
        with app.app_context():
            upgrade()
        team = fill(app, args.rows)
        client = app.test_client()
        login = client.post("/auth/login", data={"email": "exec@bench.test", "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        cases = {
            "page 1": "/interactions/",
            f"page {PAGE:,}": f"/interactions/?after={cursor_after_pages(app, PAGE - 1, None)}",
            "team, page 1": f"/interactions/?team={team}",
            f"team, page {PAGE:,}": (
                f"/interactions/?team={team}&after={cursor_after_pages(app, PAGE - 1, team)}"
            ),
        }
        explain(app, team, cursor_after_pages(app, PAGE - 1, team))
        results = {label: time_page(client, path, args.runs) for label, path in cases.items()}
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    for label, ms in results.items():
        verdict = "OK" if ms < TARGET_MS else "MISSED"
        print(f"{label:>16}: {ms:6.1f} ms (median of {args.runs})   target < {TARGET_MS:.0f} ms"
              f"   {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
