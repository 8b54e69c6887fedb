"""The load test's database: the demo organisation scaled up on PostgreSQL.

``build(url, ...)`` migrates with ``flask db upgrade`` (the release step, run
once), seeds the demo organisation (teams, scorecards, the demo sign-ins, 3,000
interactions with their evaluations), then scales it in SQL: reviewers to
``reviewers``, agents to ``agents``, executives to ``executives``, interactions
to ``interactions`` (copies of the demo's transcripts, spread over a year), one
in ``EVALUATED`` of them with a submitted evaluation (answers copied from a demo
evaluation on the same scorecard), and ``queue`` open assignments per reviewer
on the last 30 days' contacts. Everyone signs in with the demo password.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
EVALUATED = 20  # one interaction in twenty has a submitted evaluation
LOAD_DOMAIN = "load.test"

PEOPLE = """
INSERT INTO users (email, name, password_hash, role, team_id, active, created_at)
SELECT :role || g || '@load.test', initcap(:role) || ' ' || lpad(g::text, 4, '0'),
       (SELECT password_hash FROM users WHERE email = 'reviewer@demo.example'), :role,
       CASE WHEN :role = 'executive' THEN NULL ELSE t.ids[1 + g % array_length(t.ids, 1)] END,
       true, now()
FROM generate_series(1, :n) g, (SELECT array_agg(id ORDER BY id) ids FROM teams) t
"""
INTERACTIONS = """
INSERT INTO interactions (source, external_id, channel, agent_id, team_id, started_at,
    duration_seconds, customer_ref, transcript, csat, escalated, metadata, imported_at)
SELECT 'load', 'load-' || g, d.channel, a.ids[1 + g % a.n], a.teams[1 + g % a.n],
       now() - interval '1 hour' - (g::float / :rows) * interval '365 days',
       d.duration_seconds, 'cust-' || (g % 250000), d.transcript, d.csat, d.escalated,
       d.metadata, now()
FROM generate_series(1, :rows) g
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM interactions
      WHERE source = 'demo') d ON d.k = g % :demo,
     (SELECT array_agg(id ORDER BY id) ids, array_agg(team_id ORDER BY id) teams,
             count(*) n FROM users WHERE role = 'agent') a
"""
# Historic evaluations: each copies a demo evaluation of the same channel
# (hence the same scorecard version), answers included, in one statement.
EVALUATIONS = f"""
WITH t AS (
  SELECT i.channel, array_agg(e.id ORDER BY e.id) ids FROM evaluations e
  JOIN interactions i ON i.id = e.interaction_id WHERE e.status = 'submitted'
  GROUP BY i.channel),
src AS (
  SELECT i.id iid, i.agent_id, i.started_at, t.ids[1 + i.id % array_length(t.ids, 1)] tid
  FROM interactions i JOIN t USING (channel)
  WHERE i.source = 'load' AND i.id % {EVALUATED} = 0
    AND i.started_at < now() - interval '2 days'),
r AS (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM users WHERE role = 'reviewer'),
ins AS (
  INSERT INTO evaluations (interaction_id, scorecard_version_id, reviewer_id, agent_id, kind,
      status, total, total_before_autofail, auto_failed, critical_families, comment,
      time_spent_seconds, created_at, updated_at, submitted_at, lock_version,
      acknowledgement_comment)
  SELECT src.iid, e.scorecard_version_id, r.ids[1 + src.iid % r.n], src.agent_id, 'standard',
         'submitted', e.total, e.total_before_autofail, e.auto_failed, e.critical_families, '',
         e.time_spent_seconds, src.started_at + interval '1 day',
         src.started_at + interval '1 day', src.started_at + interval '1 day', 2, ''
  FROM src JOIN evaluations e ON e.id = src.tid, r
  RETURNING id, interaction_id)
INSERT INTO answers (evaluation_id, question_key, value, earned, possible, comment)
SELECT ins.id, a.question_key, a.value, a.earned, a.possible, a.comment
FROM ins JOIN src ON src.iid = ins.interaction_id JOIN answers a ON a.evaluation_id = src.tid
"""
# Each reviewer's queue: the last 30 days' unreviewed contacts (enough for many
# reruns on one database), dealt round-robin,
# on the scorecard version the demo uses for that channel.
ASSIGNMENTS = """
WITH v AS (
  SELECT DISTINCT ON (i.channel) i.channel, e.scorecard_version_id
  FROM evaluations e JOIN interactions i ON i.id = e.interaction_id
  WHERE i.source = 'demo' ORDER BY i.channel, e.id),
r AS (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM users WHERE role = 'reviewer'),
c AS (
  SELECT i.id, i.channel, row_number() OVER (ORDER BY i.started_at DESC, i.id) - 1 AS k
  FROM interactions i
  WHERE i.source = 'load' AND i.started_at > now() - interval '30 days'
    AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.interaction_id = i.id)
    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.interaction_id = i.id
                    AND a.status = 'open'))
INSERT INTO assignments (interaction_id, reviewer_id, scorecard_version_id, reason, status,
                         due_at, created_at)
SELECT c.id, r.ids[1 + c.k % r.n], v.scorecard_version_id, 'sampled', 'open',
       now() + (c.k % 5 - 1) * interval '1 day', now()
FROM c JOIN v USING (channel), r
WHERE c.k < :per * r.n
"""


def flask(url: str, *args: str) -> None:
    """Run a ``flask`` command against ``url``, as a deployment would."""
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "load-bench", "PYTHONPATH": str(ROOT)}
    env.pop("QA_ENV", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "qa_app", *args], cwd=ROOT, env=env, check=True
    )


def build(url: str, *, interactions: int, reviewers: int, agents: int, executives: int,
          queue: int) -> None:  # fmt: skip
    start = time.perf_counter()
    flask(url, "db", "upgrade")
    flask(url, "demo", "seed", "--interactions", "3000")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        have = dict(conn.execute(sa.text("SELECT role, count(*) FROM users GROUP BY role")).all())
        for role, want in (("reviewer", reviewers), ("agent", agents),
                           ("executive", executives)):  # fmt: skip
            if want > have.get(role, 0):
                conn.execute(sa.text(PEOPLE), {"role": role, "n": want - have.get(role, 0)})
        demo = conn.execute(sa.text("SELECT count(*) FROM interactions")).scalar_one()
        step = time.perf_counter()
        conn.execute(sa.text("SET session_replication_role = replica"))  # no per-row FK checks
        conn.execute(sa.text(INTERACTIONS), {"rows": interactions - demo, "demo": demo})
        conn.execute(sa.text("ANALYZE interactions"))  # plans below see 1M rows, not 3,000
        print(f"  interactions: {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        conn.execute(sa.text(EVALUATIONS))
        print(f"  evaluations: {time.perf_counter() - step:.0f} s", flush=True)
        conn.execute(sa.text("SET session_replication_role = origin"))
        conn.execute(sa.text("ANALYZE"))
        conn.execute(sa.text(ASSIGNMENTS), {"per": queue})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        counts = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM evaluations),"
            " (SELECT count(*) FROM answers), (SELECT count(*) FROM assignments"
            "  WHERE status = 'open'), (SELECT count(*) FROM users WHERE role = 'reviewer')"
        )).one()  # fmt: skip
    engine.dispose()
    print(f"built in {time.perf_counter() - start:.0f} s: {counts[0]:,} interactions, "
          f"{counts[1]:,} evaluations, {counts[2]:,} answers, {counts[3]:,} open assignments, "
          f"{counts[4]} reviewers", flush=True)  # fmt: skip


def top_up(url: str, queue: int) -> None:
    """Before reusing a database: drop the drafts earlier runs left open and give
    every reviewer ``queue`` more open assignments, so a rerun starts as a fresh
    build would (the previous runs' submitted evaluations stay)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM evaluations WHERE status = 'draft'"))
        conn.execute(sa.text(ASSIGNMENTS), {"per": queue})
    engine.dispose()


def accounts(url: str) -> dict[str, list[str]]:
    """Sign-in e-mails by role; reviewers only those with open assignments."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT u.role, u.email FROM users u WHERE u.role IN ('agent', 'executive') "
            "UNION ALL SELECT 'reviewer', u.email FROM users u WHERE u.role = 'reviewer' AND "
            "EXISTS (SELECT 1 FROM assignments a WHERE a.reviewer_id = u.id "
            "AND a.status = 'open') ORDER BY 1, 2"
        )).all()  # fmt: skip
    engine.dispose()
    found: dict[str, list[str]] = {}
    for role, email in rows:
        found.setdefault(role, []).append(email)
    return found
