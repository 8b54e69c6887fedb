"""The load test's database: the demo organisation scaled up on PostgreSQL.

``build(url, ...)`` migrates with ``flask db upgrade`` (the release step, run
once), seeds the demo organisation (teams, scorecards, the demo sign-ins, 3,000
interactions with their evaluations), then scales it in SQL:

- reviewers to ``reviewers``, agents to ``agents``, executives to ``executives``
  (everyone signs in with the demo password);
- interactions to ``interactions``: copies of the demo's transcripts, spread
  evenly over the last ``SPAN_DAYS`` days, with the demo's flagging scores of the
  transcript each copies (the demo scores every interaction, as a deployment does);
- a submitted evaluation on a share (``evaluated_share``) of the interactions
  older than the queue window (``QUEUE_DAYS``: the last 30 days' contacts stay
  unevaluated for the reviewers' queues). Each copies a demo evaluation of its
  channel onto that channel's "two-pass" scorecard: the demo card with every
  section asked twice (keys suffixed ``-2``), so an evaluation holds twice its
  template's 9 or 10 answers and its totals stay exact (each answer twice: the
  same share earned). ``interactions_for`` gives the interaction count that
  yields a wanted number of evaluations (by default 1,090,000 interactions make
  1,000,000 evaluations with about 19,000,000 answers);
- disputes on one evaluation in 50 (older ones resolved: 70 % upheld, 30 %
  overturned), coaching sessions for every agent about every six weeks, with
  one action item each;
- ``queue`` open assignments per reviewer on the last 30 days' contacts.

The bulk insert bypasses the application's write path, so the report roll-ups
are then rebuilt as an operator does it (``flask reports rebuild-rollups``).
Answers' secondary indexes are dropped during the load and rebuilt in one pass.
Each step prints its time; the build its total.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
SPAN_DAYS = 365  # interactions spread over the last year
QUEUE_DAYS = 30  # the last 30 days' contacts are left to the reviewers' queues
SECOND_PASS = "-2"  # key suffix of the two-pass scorecards' repeated sections
LOAD_DOMAIN = "load.test"
BATCHES = 10  # answers are written in this many transactions (progress, bounded WAL)


def interactions_for(evaluations: int, share: float) -> int:
    """Interactions to create so that ``share`` of those older than the queue
    window make ``evaluations`` evaluations."""
    return round(evaluations / share * SPAN_DAYS / (SPAN_DAYS - QUEUE_DAYS))


PEOPLE = """
INSERT INTO users (email, name, password_hash, role, team_id, active, created_at)
SELECT :role || g || '@load.test', initcap(:role) || ' ' || lpad(g::text, 4, '0'),
       (SELECT password_hash FROM users WHERE email = 'reviewer@demo.example'), :role,
       CASE WHEN :role = 'executive' THEN NULL ELSE t.ids[1 + g % array_length(t.ids, 1)] END,
       true, now()
FROM generate_series(1, :n) g, (SELECT array_agg(id ORDER BY id) ids FROM teams) t
"""
INTERACTIONS = f"""
INSERT INTO interactions (source, external_id, channel, agent_id, team_id, started_at,
    duration_seconds, customer_ref, transcript, csat, escalated, metadata, imported_at)
SELECT 'load', 'load-' || g, d.channel, a.ids[1 + g % a.n], a.teams[1 + g % a.n],
       now() - interval '1 hour' - (g::float / :rows) * interval '{SPAN_DAYS} days',
       d.duration_seconds, 'cust-' || (g % 250000), d.transcript, d.csat, d.escalated,
       d.metadata, now()
FROM generate_series(1, :rows) g
JOIN demo_rows d ON d.k = g % :demo,
     (SELECT array_agg(id ORDER BY id) ids, array_agg(team_id ORDER BY id) teams,
             count(*) n FROM users WHERE role = 'agent') a
"""
# The demo interaction each load interaction copies ('load-<g>' copies row g % demo).
DEMO_ROWS = """
CREATE TEMPORARY TABLE demo_rows AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM interactions WHERE source = 'demo'
"""
# Per channel: the demo's submitted evaluations (the templates) and the
# two-pass scorecard version their copies are filed under.
LOAD_CARDS = """
CREATE TEMPORARY TABLE load_cards AS
SELECT i.channel, array_agg(e.id ORDER BY e.id) templates, NULL::int version_id
FROM evaluations e JOIN interactions i ON i.id = e.interaction_id
WHERE e.status = 'submitted' AND e.kind = 'standard' AND i.source = 'demo'
GROUP BY i.channel
"""
TEMPLATE = "c.templates[1 + i.id % array_length(c.templates, 1)]"
# Historic evaluations: each copies a demo evaluation of the same channel,
# submitted the day after the contact, by a reviewer dealt round-robin.
EVALUATIONS = f"""
INSERT INTO evaluations (interaction_id, scorecard_version_id, reviewer_id, agent_id, kind,
    status, total, total_before_autofail, auto_failed, critical_families, comment,
    time_spent_seconds, created_at, updated_at, submitted_at, lock_version,
    acknowledgement_comment, team_id, channel)
SELECT i.id, c.version_id, r.ids[1 + i.id % r.n], i.agent_id, 'standard', 'submitted',
       e.total, e.total_before_autofail, e.auto_failed, e.critical_families, '',
       e.time_spent_seconds, i.started_at + interval '1 day', i.started_at + interval '1 day',
       i.started_at + interval '1 day', 2, '', i.team_id, i.channel
FROM interactions i JOIN load_cards c USING (channel) JOIN evaluations e ON e.id = {TEMPLATE},
     (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM users WHERE role = 'reviewer') r
WHERE i.source = 'load' AND i.started_at < now() - interval '{QUEUE_DAYS} days'
  AND (hashint4(i.id) & 2147483647) % 1000000 < :share * 1000000
"""
# Each evaluation's answers: its template's, once per pass.
ANSWERS = f"""
INSERT INTO answers (evaluation_id, question_key, value, earned, possible, comment)
SELECT e.id, a.question_key || s.suffix, a.value, a.earned, a.possible, a.comment
FROM evaluations e JOIN interactions i ON i.id = e.interaction_id
JOIN load_cards c ON c.channel = i.channel AND c.version_id = e.scorecard_version_id
JOIN answers a ON a.evaluation_id = {TEMPLATE}
CROSS JOIN (VALUES (''), ('{SECOND_PASS}')) s(suffix)
WHERE e.id BETWEEN :lo AND :hi
"""
# The flagging scores of the transcript each load interaction copies.
FLAGS = """
INSERT INTO flags (interaction_id, model_id, target, probability, reasons, created_at)
SELECT i.id, f.model_id, f.target, f.probability, f.reasons, i.imported_at
FROM interactions i
JOIN demo_rows d ON d.k = substr(i.external_id, 6)::int % :demo
JOIN flags f ON f.interaction_id = d.id
WHERE i.source = 'load'
"""
# One load evaluation in 50 disputed by its agent two days after it was
# submitted, resolved four days later: 7 in 10 upheld, 3 in 10 overturned (the
# evaluation holds the total after; the dispute the one before).
DISPUTES = """
WITH r AS (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM users WHERE role = 'reviewer'),
ins AS (
  INSERT INTO disputes (evaluation_id, agent_id, status, whole_evaluation, reason, created_at,
      resolved_at, resolved_by_id, outcome, resolution_note, total_before, total_after,
      lock_version)
  SELECT e.id, e.agent_id, 'resolved', true, 'The score does not match the call.',
         e.submitted_at + interval '2 days', e.submitted_at + interval '6 days',
         r.ids[1 + (e.id / 50) % r.n],
         CASE WHEN (e.id / 50) % 10 < 7 THEN 'upheld' ELSE 'overturned' END, '',
         CASE WHEN (e.id / 50) % 10 < 7 THEN e.total ELSE greatest(e.total - 10, 0) END,
         e.total, 2
  FROM evaluations e, r
  WHERE e.scorecard_version_id IN (SELECT version_id FROM load_cards) AND e.id % 50 = 7
  RETURNING id, outcome)
INSERT INTO dispute_items (dispute_id, question_key, reason, old_value, decision, new_value, note)
SELECT id, NULL, '', NULL, outcome, NULL, '' FROM ins
"""
# Every agent coached about every six weeks over the year on two questions of
# the two-pass cards, with one action item; sessions older than 30 days closed.
COACHING = """
WITH a AS (SELECT id, row_number() OVER (ORDER BY id) n FROM users WHERE role = 'agent'),
r AS (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM users WHERE role = 'reviewer'),
k AS (SELECT array_agg(DISTINCT question_key) keys FROM answers
      WHERE evaluation_id IN (SELECT unnest(templates) FROM load_cards)),
s AS (
  SELECT a.id agent_id, r.ids[1 + a.n % r.n] coach_id,
         current_date - (a.n % 42)::int - 42 * g held_on,
         jsonb_build_array(k.keys[1 + (a.n + g) % cardinality(k.keys)],
                           k.keys[1 + (a.n * 7 + g * 3 + 1) % cardinality(k.keys)]) focus
  FROM a, r, k, generate_series(0, 8) g),
ins AS (
  INSERT INTO coaching_sessions (agent_id, coach_id, held_on, focus_questions, notes,
      follow_up_on, status, acknowledged_at, agent_comment, created_at)
  SELECT agent_id, coach_id, held_on, focus, 'Went through two recent contacts.',
         held_on + 14, CASE WHEN held_on < current_date - 30 THEN 'closed' ELSE 'open' END,
         held_on + interval '1 day', '', held_on
  FROM s
  RETURNING id, held_on, status, coach_id)
INSERT INTO coaching_items (session_id, text, due_on, done_at, done_by_id)
SELECT id, 'Practise the focus questions on the next five contacts.', held_on + 14,
       CASE WHEN status = 'closed' THEN held_on + interval '10 days' END,
       CASE WHEN status = 'closed' THEN coach_id END
FROM ins
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


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def two_pass_cards(conn: sa.Connection) -> None:
    """Publish each channel's two-pass scorecard (the demo card, every section
    asked twice) and note its version in ``load_cards``."""
    rows = conn.execute(sa.text(
        "SELECT c.channel, s.name, s.channel, v.definition FROM load_cards c "
        "JOIN evaluations e ON e.id = c.templates[1] "
        "JOIN scorecard_versions v ON v.id = e.scorecard_version_id "
        "JOIN scorecards s ON s.id = v.scorecard_id"
    )).all()  # fmt: skip
    for channel, name, card_channel, definition in rows:
        again = [
            {**section, "key": section["key"] + SECOND_PASS,
             "title": f"{section['title']} (second pass)",
             "questions": [{**q, "key": q["key"] + SECOND_PASS} for q in section["questions"]]}
            for section in definition["sections"]
        ]  # fmt: skip
        title = f"{name} (two passes)"
        definition = {**definition, "name": title, "sections": definition["sections"] + again}
        card = conn.execute(sa.text(
            "INSERT INTO scorecards (name, channel, description, status, created_at, updated_at,"
            " lock_version) VALUES (:name, :channel, 'Load test: every section twice.',"
            " 'published', now(), now(), 1) RETURNING id"
        ), {"name": title, "channel": card_channel}).scalar_one()  # fmt: skip
        version = conn.execute(sa.text(
            "INSERT INTO scorecard_versions (scorecard_id, number, definition, published_at)"
            f" VALUES (:card, 1, CAST(:definition AS jsonb),"
            f" now() - interval '{SPAN_DAYS + 30} days') RETURNING id"
        ), {"card": card, "definition": json.dumps(definition)}).scalar_one()  # fmt: skip
        conn.execute(sa.text("UPDATE load_cards SET version_id = :v WHERE channel = :c"),
                     {"v": version, "c": channel})  # fmt: skip


def drop_secondary_indexes(conn: sa.Connection, table: str) -> list[str]:
    """Drop the table's non-primary indexes and unique constraints; the SQL that
    recreates them (one pass over the loaded rows instead of one per row)."""
    constraints = conn.execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'u'"
    ), {"t": table}).all()  # fmt: skip
    indexes = conn.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"
    ), {"t": table}).all()  # fmt: skip
    rebuild = []
    for name, definition in constraints:
        conn.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        conn.execute(sa.text(f'DROP INDEX "{name}"'))
        rebuild.append(definition)
    return rebuild


class Steps:
    """Prints each step's time as it ends."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label}: {now - self.last:.0f} s", flush=True)
        self.last = now


def build(url: str, *, interactions: int, reviewers: int, agents: int, executives: int,
          queue: int, evaluated_share: float = 1.0) -> None:  # fmt: skip
    start = time.perf_counter()
    steps = Steps()
    flask(url, "db", "upgrade")
    flask(url, "demo", "seed", "--interactions", "3000")
    steps.done("migrations and demo organisation")
    engine = _engine(url)
    with engine.connect() as conn:
        have = dict(conn.execute(sa.text("SELECT role, count(*) FROM users GROUP BY role")).all())
        for role, want in (("reviewer", reviewers), ("agent", agents),
                           ("executive", executives)):  # fmt: skip
            if want > have.get(role, 0):
                conn.execute(sa.text(PEOPLE), {"role": role, "n": want - have.get(role, 0)})
        demo = conn.execute(sa.text("SELECT count(*) FROM interactions")).scalar_one()
        conn.execute(sa.text(DEMO_ROWS))
        conn.execute(sa.text(LOAD_CARDS))
        two_pass_cards(conn)
        conn.execute(sa.text("SET session_replication_role = replica"))  # no per-row FK checks
        conn.execute(sa.text("SET maintenance_work_mem = '512MB'"))
        conn.execute(sa.text(INTERACTIONS), {"rows": interactions - demo, "demo": demo})
        conn.execute(sa.text("ANALYZE interactions"))  # plans below see 1M rows, not 3,000
        conn.commit()
        steps.done(f"{interactions - demo:,} interactions")
        rebuild = drop_secondary_indexes(conn, "flags")
        conn.execute(sa.text(FLAGS), {"demo": demo})
        for sql in rebuild:
            conn.execute(sa.text(sql))
        conn.commit()
        steps.done("flags (copied with their transcripts, indexes rebuilt)")
        conn.execute(sa.text(EVALUATIONS), {"share": evaluated_share})
        conn.execute(sa.text("ANALYZE evaluations"))
        conn.commit()
        lo, hi = conn.execute(sa.text(
            "SELECT min(id), max(id) FROM evaluations "
            "WHERE scorecard_version_id IN (SELECT version_id FROM load_cards)"
        )).one()  # fmt: skip
        steps.done("evaluations")
        rebuild = drop_secondary_indexes(conn, "answers")
        conn.commit()
        size = (hi - lo) // BATCHES + 1
        for n in range(BATCHES):
            conn.execute(sa.text(ANSWERS), {"lo": lo + n * size, "hi": lo + (n + 1) * size - 1})
            conn.commit()
            print(f"    answers {n + 1}/{BATCHES}", flush=True)
        steps.done("answers")
        for sql in rebuild:
            conn.execute(sa.text(sql))
        conn.commit()
        steps.done("answers' indexes")
        conn.execute(sa.text(DISPUTES))
        conn.execute(sa.text(COACHING))
        conn.execute(sa.text("SET session_replication_role = origin"))
        conn.commit()
        steps.done("disputes and coaching")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        steps.done("vacuum analyze")
    flask(url, "reports", "rebuild-rollups")  # as an operator does after a raw-SQL load
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE report_question_days"))
        conn.execute(sa.text("VACUUM ANALYZE report_agent_question_days"))
        steps.done("report roll-ups")
    with engine.begin() as conn:
        conn.execute(sa.text(ASSIGNMENTS), {"per": queue})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE assignments"))
        conn.execute(sa.text("CHECKPOINT"))  # the load's writes flushed before anyone times
        counts = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM interactions), (SELECT count(*) FROM evaluations"
            "  WHERE status = 'submitted'), (SELECT count(*) FROM answers),"
            " (SELECT count(*) FROM assignments WHERE status = 'open'),"
            " (SELECT count(*) FROM users WHERE role = 'reviewer'),"
            " (SELECT count(*) FROM flags), (SELECT count(*) FROM disputes),"
            " (SELECT count(*) FROM coaching_sessions), pg_size_pretty(pg_database_size("
            "  current_database()))"
        )).one()  # fmt: skip
    engine.dispose()
    print(f"built in {time.perf_counter() - start:.0f} s: {counts[0]:,} interactions, "
          f"{counts[1]:,} submitted evaluations, {counts[2]:,} answers, {counts[3]:,} open "
          f"assignments, {counts[4]} reviewers, {counts[5]:,} flags, {counts[6]:,} disputes, "
          f"{counts[7]:,} coaching sessions; {counts[8]}", flush=True)  # fmt: skip


def top_up(url: str, queue: int) -> None:
    """Before reusing a database: drop the drafts earlier runs left open and give
    every reviewer ``queue`` more open assignments, so a rerun starts as a fresh
    build would (the previous runs' submitted evaluations stay)."""
    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM evaluations WHERE status = 'draft'"))
        conn.execute(sa.text(ASSIGNMENTS), {"per": queue})
    engine.dispose()


def accounts(url: str) -> dict[str, list[str]]:
    """Sign-in e-mails by role; reviewers only those with open assignments."""
    engine = _engine(url)
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


def report_choices(url: str) -> tuple[dict[int, list[int]], list[str], list[str]]:
    """What the executives' filters can name: each team's agents, the channels
    interactions use, the question keys of the published scorecards."""
    engine = _engine(url)
    with engine.connect() as conn:
        teams: dict[int, list[int]] = {t: [] for t in conn.scalars(sa.text("SELECT id FROM teams"))}
        for agent, team in conn.execute(sa.text(
            "SELECT id, team_id FROM users WHERE role = 'agent' AND team_id IS NOT NULL"
        )):  # fmt: skip
            teams.setdefault(team, []).append(agent)
        channels = conn.scalars(sa.text(
            "SELECT DISTINCT channel FROM interactions WHERE source = 'demo' ORDER BY 1"
        )).all()  # fmt: skip
        questions = conn.scalars(sa.text(
            "SELECT DISTINCT q->>'key' FROM scorecard_versions v JOIN scorecards c"
            " ON c.id = v.scorecard_id, jsonb_array_elements(v.definition->'sections') s,"
            " jsonb_array_elements(s->'questions') q WHERE c.status = 'published' ORDER BY 1"
        )).all()  # fmt: skip
    engine.dispose()
    return teams, list(channels), list(questions)
