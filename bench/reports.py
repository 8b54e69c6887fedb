"""Benchmark: the executive reports over 1,000,000 evaluations and 20,000,000 answers.

Run: ``.venv/bin/python bench/reports.py [--evaluations N] [--runs N]``. Not part of
the test run. ``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres)
names a server; the script creates its own database there, migrates it, fills it in
SQL (``generate_series``, ``INSERT ... SELECT``: 3 years of data ending today, 4 teams,
200 agents, 30 reviewers, one 20-question scorecard), runs VACUUM ANALYZE, and drops
the database afterwards.

The SQL fill bypasses the application's write path, so the report roll-ups are then
filled the way an operator does it: ``rollups.rebuild`` (``flask reports
rebuild-rollups``), timed. ``--keep`` keeps the database; ``--database NAME`` reuses a
kept one (migrated, roll-ups rebuilt, not refilled, not dropped).

Each report page is timed through the Flask test client signed in as an executive
(default filters: the last 12 weeks) against its main query: the slowest SQL
statement the page runs, re-executed bare on a raw connection with the pages' session
settings, unprepared as the application runs it. Both are warmed with
``WARM_RUNS`` runs (a page's first runs after another page are slower), then timed
alternately, page then bare query, ``--runs`` times or more (as many pairs as fit
in ``PAIR_SECONDS``, at most ``MAX_PAIRS``: the "pairs" column), so both meet the
same machine; the medians are compared. The roll-up rebuild is followed by a
CHECKPOINT, so its writes are not flushed during the timings. Where that main
query reads a roll-up, the raw-table query the page used to run instead is timed
too ("raw-table query ms"), so the roll-up's gain shows. Targets: page < 500 ms
median and page <= 2 x its bare query. An empty signed-in page is timed too,
before and after the pages: the fixed cost every page pays, which a query of a
few milliseconds is measured against.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.extensions import db
from qa_app.reports.queries import Filters

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_MS, TARGET_RATIO = 500.0, 2.0
PASSWORD = "bench password 1"
QUESTIONS = 20
SPAN = "interval '3 years'"

SETUP = [
    "INSERT INTO teams (name, created_at) SELECT 'Team ' || t, now() FROM generate_series(1, 4) t",
    """INSERT INTO users (email, name, role, team_id, active, created_at)
       SELECT 'agent' || g || '@bench.test', 'Agent ' || g, 'agent',
              (SELECT min(id) FROM teams) + g % 4, true, now() FROM generate_series(1, 200) g""",
    """INSERT INTO users (email, name, role, team_id, active, created_at)
       SELECT 'rev' || g || '@bench.test', 'Reviewer ' || g, 'reviewer', NULL, true, now()
       FROM generate_series(1, 30) g""",
    """INSERT INTO scorecards (name, channel, description, status, created_at, updated_at,
                               lock_version)
       VALUES ('Bench card', 'any', '', 'published', now(), now(), 1)""",
    """INSERT INTO scorecard_versions (scorecard_id, number, definition, published_at)
       SELECT id, 1, :definition, now() FROM scorecards""",
]
INTERACTIONS = f"""
INSERT INTO interactions (source, external_id, channel, agent_id, team_id, started_at,
    duration_seconds, transcript, metadata, imported_at)
SELECT 'bench', 'b-' || g, (ARRAY['call', 'chat', 'email'])[1 + g % 3],
       a.ids[1 + g % 200], a.teams[1 + g % 200],
       now() - {SPAN} + (g::float / :rows) * {SPAN}, 300, '[]'::jsonb, '{{}}'::jsonb, now()
FROM generate_series(1, :rows) g,
     (SELECT array_agg(id ORDER BY id) ids, array_agg(team_id ORDER BY id) teams
      FROM users WHERE role = 'agent') a
"""
EVALUATIONS = """
INSERT INTO evaluations (interaction_id, scorecard_version_id, reviewer_id, agent_id, team_id,
    channel, kind, status, total, total_before_autofail, auto_failed, critical_families, comment,
    time_spent_seconds, created_at, updated_at, submitted_at, lock_version,
    acknowledgement_comment)
SELECT i.id, v.id, r.ids[1 + i.id % 30], i.agent_id, i.team_id, i.channel,
       CASE WHEN i.id % 50 = 0 THEN 'calibration' ELSE 'standard' END, 'submitted',
       CASE WHEN i.id % 97 = 0 THEN 0 ELSE 40 + (i.id::bigint * 7919) % 61 END,
       40 + (i.id::bigint * 7919) % 61, i.id % 97 = 0,
       CASE WHEN i.id % 97 = 0 THEN '["compliance"]'::jsonb
            WHEN i.id % 13 = 0 THEN '["customer"]'::jsonb ELSE '[]'::jsonb END,
       '', 120 + (i.id::bigint * 31) % 900, i.started_at, i.started_at,
       i.started_at + interval '20 hours', 1, ''
FROM interactions i, (SELECT min(id) id FROM scorecard_versions) v,
     (SELECT array_agg(id ORDER BY id) ids FROM users WHERE role = 'reviewer') r
WHERE i.id % 6 <> 0  -- five in six interactions are reviewed
"""
ANSWERS = f"""
INSERT INTO answers (evaluation_id, question_key, value, earned, possible, comment)
SELECT e.id, 'q' || lpad(q::text, 2, '0'),
       CASE WHEN (e.id * q * 2654435761) % 100 < q * 2 THEN '"no"'::jsonb ELSE '"yes"'::jsonb END,
       CASE WHEN (e.id * q * 2654435761) % 100 < q * 2 THEN 0 ELSE 5 END, 5, ''
FROM evaluations e, generate_series(1, {QUESTIONS}) q
"""
EXTRAS = [
    """INSERT INTO coaching_sessions (agent_id, coach_id, held_on, focus_questions, notes,
           status, agent_comment, created_at)
       SELECT a.id, (SELECT min(id) FROM users WHERE role = 'reviewer'),
              (now() - (g % 80) * interval '1 day')::date, '["q05", "q12"]'::jsonb, '', 'open',
              '', now()
       FROM generate_series(1, 200) g
       JOIN (SELECT id, row_number() OVER (ORDER BY id) n FROM users WHERE role = 'agent') a
         ON a.n = g""",
    """INSERT INTO sampling_rules (name, scorecard_id, per_agent, period_days, filters,
           reviewer_ids, mode, due_days, active, created_at)
       SELECT 'Weekly', id, 4, 7, '{}'::jsonb, '[]'::jsonb, 'random', 3, true, now()
       FROM scorecards""",
]


def definition() -> dict:
    families = {1: "compliance", 2: "customer", 3: "business"}
    questions = [
        {"key": f"q{n:02d}", "text": f"Question {n}", "kind": "yes_no", "points": 5,
         **({"error_family": families[n]} if n in families else {})}
        for n in range(1, QUESTIONS + 1)
    ]  # fmt: skip
    return {"name": "Bench card", "sections": [{"key": "s", "title": "S", "questions": questions}]}


def fill(app, n: int) -> None:
    import json

    with app.app_context():
        start = time.perf_counter()
        for sql in SETUP:
            db.session.execute(sa.text(sql), {"definition": json.dumps(definition())})
        from qa_app.models import User

        boss = User(email="exec@bench.test", name="Exec", role="executive")
        boss.set_password(PASSWORD, "pbkdf2:sha256:1000")
        db.session.add(boss)
        db.session.commit()
        steps = [("interactions", INTERACTIONS, {"rows": n * 6 // 5}),
                 ("evaluations", EVALUATIONS, {}), ("answers", ANSWERS, {})]  # fmt: skip
        # Bulk load: no per-row foreign-key triggers, answers' secondary indexes
        # dropped during the load and rebuilt in one pass afterwards.
        db.session.execute(sa.text("SET session_replication_role = replica"))
        rebuild = drop_secondary_indexes("answers")
        for label, sql, params in steps:
            t = time.perf_counter()
            db.session.execute(sa.text(sql), params)
            db.session.commit()
            print(f"  {label}: {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        db.session.execute(sa.text("SET maintenance_work_mem = '512MB'"))
        for sql in rebuild:
            db.session.execute(sa.text(sql))
        db.session.commit()
        print(f"  answers indexes: {time.perf_counter() - t:.0f} s", flush=True)
        for sql in EXTRAS:
            db.session.execute(sa.text(sql))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        counts = db.session.execute(
            sa.text("SELECT (SELECT count(*) FROM evaluations), (SELECT count(*) FROM answers)")
        ).one()
        print(f"filled {counts[0]:,} evaluations, {counts[1]:,} answers in "
              f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip


def rebuild_rollups(app) -> None:
    """The roll-ups filled as in production: the backfill behind
    ``flask reports rebuild-rollups`` (the SQL fill above bypasses the write path)."""
    from qa_app.reports import rollups

    with app.app_context():
        start = time.perf_counter()
        counts = rollups.rebuild(db.session.connection())
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in counts:
                conn.execute(sa.text(f"VACUUM ANALYZE {table}"))
            # The rebuild rewrote millions of rows: flush them now, or the server's
            # checkpoint writes them out while the pages are being timed.
            conn.execute(sa.text("CHECKPOINT"))
        rows = ", ".join(f"{table} {n:,} rows" for table, n in counts.items())
        print(f"rebuilt roll-ups ({rows}) in {time.perf_counter() - start:.0f} s", flush=True)


def drop_secondary_indexes(table: str) -> list[str]:
    """Drop the table's non-primary indexes and unique constraints; return the SQL
    that recreates them."""
    constraints = db.session.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"
        ),
        {"t": table},
    ).all()
    indexes = db.session.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"),
        {"t": table}).all()  # fmt: skip
    rebuild = []
    for name, definition in constraints:
        db.session.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        db.session.execute(sa.text(f'DROP INDEX "{name}"'))
        rebuild.append(definition)
    db.session.commit()
    return rebuild


class Recorder:
    """Records (seconds, statement, parameters) of every SQL statement run."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str, object]] = []

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.calls.append((time.perf_counter() - conn.info["bench_t"], statement, parameters))


WARM_RUNS = 5


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_ms(fn, runs: int) -> float:
    for _ in range(WARM_RUNS):  # templates compiled, caches filled
        fn()
    return statistics.median(_ms(fn) for _ in range(runs))


def slowest_statement(app, fn) -> tuple[str, object]:
    """Run ``fn`` (a page request, or a query) and return its slowest SQL statement
    with its parameters, exactly as sent to the server."""
    recorder = Recorder()
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", recorder.before)
        sa.event.listen(db.engine, "after_cursor_execute", recorder.after)
        try:
            fn()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", recorder.before)
            sa.event.remove(db.engine, "after_cursor_execute", recorder.after)
    _, statement, params = max(recorder.calls, key=lambda c: c[0])
    return statement, params


PAIR_SECONDS, MAX_PAIRS = 2.0, 101


def pair_count(pair_ms: float, runs: int) -> int:
    """At least ``runs`` pairs, and as many more as fit in ``PAIR_SECONDS`` (at
    most ``MAX_PAIRS``): a page of a few milliseconds gets enough samples that
    a passing disturbance of the machine does not move its median."""
    return max(runs, min(MAX_PAIRS, int(PAIR_SECONDS * 1000 / max(pair_ms, 1e-3))))


def bare_ms(app, statement: str, params: object, runs: int, label: str, page=None):
    """Median of the statement run directly on a raw connection, with the
    session settings the pages use (qa_app.server_settings); with
    ``page``, (page median, bare median, pairs) timed alternately (``pair_count``)."""
    with app.app_context():  # left before timing: each page request has its own
        engine = db.engine
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT set_config('jit', 'off', false), "
                       "set_config('work_mem', '64MB', false)")  # fmt: skip

        def bare():
            # Never a prepared statement, as in the application: psycopg prepares
            # a statement on its fifth run on a connection but forgets the count
            # at each ROLLBACK, which ends every request; a prepared run would
            # time PostgreSQL's generic plan instead (1.1-1.2 x slower on the
            # quality and coaching queries, 0.95 x on the questions one).
            cursor.execute(statement, params, prepare=False)
            return cursor.fetchall()

        rows = len(bare())
        print(f"  {label}: {' '.join(statement.split())[:90]}... -> {rows} rows")
        if page is None:
            return median_ms(bare, runs)
        for _ in range(WARM_RUNS):
            bare()
        first = (_ms(page), _ms(bare))
        pairs = [first] + [(_ms(page), _ms(bare)) for _ in range(pair_count(sum(first), runs) - 1)]
        return (*(statistics.median(p[i] for p in pairs) for i in (0, 1)), len(pairs))
    finally:
        raw.close()


def measure(app, client, url: str, runs: int) -> tuple[float, float, int]:
    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for _ in range(WARM_RUNS):
        page()
    statement, params = slowest_statement(app, page)
    return bare_ms(app, statement, params, runs, f"{url} main query", page=page)


def raw_references(app) -> dict[str, tuple[str, object]]:
    """For the pages whose main query now reads a roll-up: the raw-table query the
    page ran before, with the page's default filters, to show what the roll-up saves."""
    from qa_app.models import utcnow
    from qa_app.reports import activity, queries, review, services

    def pareto(filters):
        return lambda: queries.frame(queries.question_failures_raw(filters))

    def coaching():
        sessions = activity.coaching_sessions(Filters(*services.default_period()))
        lo, hi = services.coaching_window(sessions["held_on"])
        pairs = {(int(a), k) for a, ks in zip(sessions["agent_id"], sessions["focus_questions"],
                 strict=True) for k in ks}  # fmt: skip
        start = [datetime.combine(d, datetime.min.time(), UTC) for d in (lo, hi)]
        queries.frame(activity.focus_answers_raw(pairs, *start))

    with app.app_context():
        month = review.period_of(None, None, None, utcnow().date())
    plans = {
        "/reports/questions": pareto(Filters(*services.default_period())),
        "/reports/coaching": coaching,
        "/reports/review": pareto(Filters(month.start, month.end)),
    }
    return {path: slowest_statement(app, fn) for path, fn in plans.items()}


FLOOR = "/bench/signed-in"


def add_floor_page(app) -> None:
    """An empty signed-in page (the base layout, no statement of its own): what
    every page pays before its own work (session, sign-in statement, BEGIN and
    ROLLBACK, layout), timed in the same run so a small query's ratio can be
    read against it. Only this script's application has it."""
    from flask import render_template

    from qa_app.access import roles_required

    @app.route(FLOOR)
    @roles_required("executive")
    def bench_signed_in():
        return render_template("base.html")


PAGES = [
    "/reports/",
    "/reports/questions",
    "/reports/reviewers",
    "/reports/operations",
    "/reports/coaching",
    "/reports/evaluations?question=q10",
    "/reports/review",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--database",
        help="reuse this filled database (kept by --keep): "
        "migrate it and rebuild the roll-ups, but do not fill or drop it",
    )
    args = parser.parse_args()
    admin = sa.create_engine(
        SERVER.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = args.database or f"bench_reports_{uuid.uuid4().hex[:8]}"
    if args.database:
        args.keep = True
    else:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    results = []
    try:
        # Figures computed for every page (REPORT_MAX_AGE 0): this times the work
        # a page does when its stored result is missing or too old.
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "REPORT_MAX_AGE": 0})  # fmt: skip
        add_floor_page(app)
        with app.app_context():
            upgrade()
        if not args.database:
            fill(app, args.evaluations)
        rebuild_rollups(app)
        client = app.test_client()
        login = client.post("/auth/login", data={"email": "exec@bench.test", "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        references = raw_references(app)

        def floor():
            assert client.get(FLOOR).status_code == 200

        floors = [median_ms(floor, 3 * args.runs)]
        for path in PAGES:
            page_ms, main_ms, pairs = measure(app, client, path, args.runs)
            raw_ms = None
            if path in references:
                raw_ms = bare_ms(app, *references[path], args.runs, f"{path} raw-table query")
            results.append((path, page_ms, main_ms, pairs, raw_ms))
            print(f"  measured {path}", flush=True)
        floors.append(median_ms(floor, 3 * args.runs))
        with app.app_context():
            db.engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            print(f"kept database {name}")
        admin.dispose()
    print(f"\n{'endpoint':<36}{'page ms':>9}{'bare ms':>9}{'ratio':>7}{'pairs':>7}  target "
          f"(< {TARGET_MS:.0f} ms, <= {TARGET_RATIO:g}x)  {'raw-table query ms':>28}")  # fmt: skip
    for path, page_ms, main_ms, pairs, raw_ms in results:
        ratio = page_ms / main_ms if main_ms else float("inf")
        met = page_ms < TARGET_MS and ratio <= TARGET_RATIO
        raw = f"{raw_ms:.1f}" if raw_ms is not None else "-"
        print(f"{path:<36}{page_ms:>9.1f}{main_ms:>9.1f}{ratio:>7.2f}{pairs:>7}  "
              f"{'met' if met else 'MISSED':<27}{raw:>28}")  # fmt: skip
    print(f"signed-in empty page (base layout, no statement of its own), before and after "
          f"the pages: {floors[0]:.1f} / {floors[1]:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
