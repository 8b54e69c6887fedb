"""Benchmark: reading the flagged set with the stored cut against the live one.

Run: ``.venv/bin/python bench/flag_reads.py [--interactions 200000] [--models 1] [--runs 15]``.
Not part of the test run. ``BENCH_DATABASE_URL`` (default
postgresql://postgres@127.0.0.1:5432/postgres) names a server; the script creates
its own database there, migrates it, fills it in SQL (``--interactions`` contacts,
each scored by ``--models`` active models, one flag in 50 answered), runs VACUUM
ANALYZE, and drops the database afterwards.

The read timed is the reviewer home's flagged query, ``queue.queue(Filters(unreviewed
=True), per_page=main.services.SHOWN)`` as ``main.services.today`` runs it, in an
application context (no HTTP). Two versions of it, timed alternately so both meet
the same machine:

- before: the cut measured live on every read (``live_cuts`` below: the count and
  the ``OFFSET budget-1`` per model that ``flagged._cut`` ran until 0011_flag_cut,
  and the queue's unfiltered "of N scored" as a ``count(DISTINCT interaction_id)``);
- after: the cut stored on the model's row (``flagged.cuts``).

Each is timed on the flags indexes before 0011 (``model_id`` alone) and after
(``model_id, probability``), with the scoring run's ``flagged.store_cut`` (what a
run now adds at its end). The ratio printed is before on the old indexes over
after on the new ones: what a deployment gains by upgrading.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from qa_app import create_app
from qa_app.extensions import db
from qa_app.flags import flagged, queue
from qa_app.main.services import SHOWN
from qa_app.models import Flag, FlagModel

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WARM_RUNS = 3
TARGETS = ("escalation", "coaching")

SETUP = [
    "INSERT INTO teams (name, created_at) VALUES ('Bench team', now())",
    """INSERT INTO users (email, name, role, team_id, active, created_at)
       SELECT 'agent' || g || '@bench.test', 'Agent ' || g, 'agent',
              (SELECT min(id) FROM teams), true, now() FROM generate_series(1, 50) g""",
    """INSERT INTO flag_models (target, version, status, active, metadata, metrics, error,
                               created_at, activated_at)
       SELECT t, 1, 'ready', true,
              '{"flag_threshold": 0.5, "budget": 0.05}'::jsonb, '{}'::jsonb, '', now(), now()
       FROM unnest(CAST(:targets AS text[])) t""",
]
INTERACTIONS = """
INSERT INTO interactions (source, external_id, channel, agent_id, team_id, started_at,
    duration_seconds, transcript, metadata, imported_at)
SELECT 'bench', 'b-' || g, (ARRAY['call', 'chat', 'email'])[1 + g % 3],
       a.ids[1 + g % 50], a.team,
       now() - interval '1 year' + (g::float / :rows) * interval '1 year',
       300, '[]'::jsonb, '{}'::jsonb, now()
FROM generate_series(1, :rows) g,
     (SELECT array_agg(id ORDER BY id) ids, min(team_id) team FROM users WHERE role = 'agent') a
"""
FLAGS = """
INSERT INTO flags (interaction_id, model_id, target, probability, reasons, created_at, review)
SELECT i.id, m.id, m.target, round(random()::numeric, 4)::float, '[]'::jsonb, i.started_at,
       CASE WHEN i.id % 50 = 0 THEN 'confirmed' END
FROM interactions i, flag_models m
"""
OLD_INDEX = "CREATE INDEX ix_flags_model_id ON flags (model_id)"
NEW_INDEX = "CREATE INDEX ix_flags_model_id_probability ON flags (model_id, probability)"


def live_cuts(target: str | None = None) -> list[flagged.Cut]:
    """The baseline: ``flagged.cuts`` as it was before 0011_flag_cut, every read
    counting each active model's scores and seeking its budget's last one."""
    query = sa.select(FlagModel).where(FlagModel.active.is_(True), FlagModel.status == "ready")
    if target:
        query = query.where(FlagModel.target == target)
    found = []
    for row in db.session.scalars(query.order_by(FlagModel.target)):
        meta = row.meta or {}
        threshold = float(meta.get("flag_threshold", flagged.DEFAULT_THRESHOLD))
        budget = float(meta.get("budget", 0.05))
        scored = db.session.scalar(sa.select(sa.func.count()).where(Flag.model_id == row.id))
        allowed = math.ceil(budget * scored - 1e-9)
        probability = None
        if allowed > 0:
            last = db.session.scalar(
                sa.select(Flag.probability)
                .where(Flag.model_id == row.id)
                .order_by(Flag.probability.desc())
                .offset(allowed - 1)
                .limit(1)
            )
            probability = max(threshold, last) if last is not None else threshold
        cut = (threshold, budget, scored, allowed, probability)
        found.append(flagged.Cut(row.id, row.target, row.version, *cut))
    return found


def live_scored(limits: list[flagged.Cut], scope: list) -> int:
    """The baseline's "of N scored": counted on every read, filtered or not."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.func.distinct(Flag.interaction_id))).where(
            Flag.model_id.in_([cut.model_id for cut in limits])
        )
    )


def home_read() -> queue.Page:
    page = queue.queue(queue.Filters(unreviewed=True), per_page=SHOWN)
    db.session.rollback()  # end the read's transaction, as a request does
    return page


def old_home_read() -> queue.Page:
    with (
        mock.patch.object(flagged, "cuts", live_cuts),
        mock.patch.object(queue, "_scored", live_scored),
    ):
        return home_read()


def store_cuts() -> None:
    flagged.store_cut(db.session.scalars(sa.select(FlagModel)).all())
    db.session.commit()


def ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def alternate(fns: list, runs: int) -> list[float]:
    """Median ms of each of ``fns``, run in turn ``runs`` times after warming."""
    for fn in fns:
        for _ in range(WARM_RUNS):
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for n, fn in enumerate(fns):
            times[n].append(ms(fn))
    return [statistics.median(t) for t in times]


def fill(n: int, models: int) -> None:
    start = time.perf_counter()
    for sql in SETUP:
        db.session.execute(sa.text(sql), {"targets": list(TARGETS[:models])})
    db.session.execute(sa.text("SELECT setseed(0.42)"))
    db.session.execute(sa.text(INTERACTIONS), {"rows": n})
    db.session.execute(sa.text(FLAGS))
    db.session.commit()
    analyze("")  # every table: the planner must know interactions' size too
    print(f"filled {n:,} interactions x {models} model(s) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip


def analyze(table: str = "flags") -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f"VACUUM ANALYZE {table}"))


def use_index(create: str, drop: str) -> None:
    db.session.execute(sa.text(create))
    db.session.execute(sa.text(f"DROP INDEX {drop}"))
    db.session.commit()
    analyze()


def check_same() -> None:
    """Before and after must list the same flags, or the timing means nothing."""
    store_cuts()
    old, new = old_home_read(), home_read()
    same = (old.total, old.scored, [r.interaction.id for r in old.rows]) == (
        new.total, new.scored, [r.interaction.id for r in new.rows]
    )  # fmt: skip
    assert same, (old.total, old.scored, new.total, new.scored)
    print(f"same flagged set: {new.total:,} unreviewed flagged of {new.scored:,} scored")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--models", type=int, default=1, choices=(1, 2))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    admin = sa.create_engine(
        SERVER.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"bench_flag_reads_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    results = {}
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            fill(args.interactions, args.models)
            check_same()
            for label, create, drop in (
                ("old index (model_id)", OLD_INDEX, "ix_flags_model_id_probability"),
                ("new index (model_id, probability)", NEW_INDEX, "ix_flags_model_id"),
            ):
                use_index(create, drop)
                before, after = alternate([old_home_read, home_read], args.runs)
                [store] = alternate([store_cuts], max(5, args.runs // 3))
                results[label] = (before, after, store)
                print(f"  measured on the {label}", flush=True)
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"\n{args.interactions:,} interactions, {args.models} active model(s), "
          f"median of {args.runs} reads each")  # fmt: skip
    print(f"{'flags indexes':<36}{'live cut ms':>13}{'stored cut ms':>15}{'store_cut ms':>14}")
    for label, (before, after, store) in results.items():
        print(f"{label:<36}{before:>13.1f}{after:>15.1f}{store:>14.1f}")
    before = results["old index (model_id)"][0]
    after = results["new index (model_id, probability)"][1]
    print(f"reviewer home's flagged query: before {before:.1f} ms (live cut, old index), after "
          f"{after:.1f} ms (stored cut, new index): {before / after:.1f}x faster")  # fmt: skip


if __name__ == "__main__":
    main()
