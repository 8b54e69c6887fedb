"""Keeping the report roll-ups exact (``qa_app.models.report``).

One definition of what a counted evaluation contributes to each roll-up
(``question_rows``, ``agent_rows``: the GROUP BY of the raw tables) serves
both ways of filling them:

- ``rebuild`` recomputes the tables from scratch (the migration's backfill,
  ``flask reports rebuild-rollups``);
- every operation that changes what counted evaluations contribute keeps them
  exact itself, in its own transaction: ``track`` reads what the evaluations
  contribute before the change, ``settle`` adds the difference after it (the
  evaluation write path ``reviews.evaluations.save``, a dispute's re-score
  ``feedback.services.resolve``, a calibration consensus
  ``calibration.consensus.publish``, the demo seed); the import's bulk upsert,
  which may move interactions to another team or channel, wraps itself in
  ``interactions_rewritten``. A rollback takes the roll-up change back with it.
  Closing drafts (``supersede_drafts``) needs nothing: a draft counts nowhere,
  nor does a closed one. Any other code that changes counted evaluations must
  call ``track`` too (or run the rebuild); ``tests/qa_app/rollup_check.py``
  holds every workflow test to "roll-ups equal a rebuild" when it ends.

On PostgreSQL the rows read are locked before their contribution is read, so
two transactions never both subtract the same old state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qa_app.models import AgentQuestionDay, Answer, Evaluation, Interaction, QuestionDay
from qa_app.models.evaluation import COUNTED_STATUS, counted_clause

EVALS = Evaluation.__table__
ANSWERS = Answer.__table__
INTERACTIONS = Interaction.__table__
QUESTION_DAYS = QuestionDay.__table__
AGENT_DAYS = AgentQuestionDay.__table__
# (table, its key columns, its count columns)
SHAPES = (
    (QUESTION_DAYS, ("day", "team_id", "channel", "scorecard_version_id", "question_key"),
     ("answered", "failed")),
    (AGENT_DAYS, ("agent_id", "question_key", "day"), ("answered", "passed")),
)  # fmt: skip


def day_of(column: Any, dialect: str) -> Any:
    """The UTC calendar day of a timestamp, as a DATE."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.func.date(column, type_=sa.Date)


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _scored_answers(ids: Iterable[int] | None) -> list[Any]:
    conds = [
        counted_clause(EVALS.c),
        EVALS.c.submitted_at.is_not(None),
        ANSWERS.c.possible.is_not(None),
    ]
    if ids is not None:
        conds.append(EVALS.c.id.in_(sorted(ids)))
    return conds


def question_rows(dialect: str, ids: Iterable[int] | None = None) -> sa.Select:
    """Rows of ``report_question_days`` for the evaluations ``ids`` (all if None)."""
    keys = [
        day_of(EVALS.c.submitted_at, dialect).label("day"),
        sa.func.coalesce(EVALS.c.team_id, 0).label("team_id"),
        EVALS.c.channel.label("channel"),
        EVALS.c.scorecard_version_id.label("scorecard_version_id"),
        ANSWERS.c.question_key.label("question_key"),
    ]
    source = ANSWERS.join(EVALS, EVALS.c.id == ANSWERS.c.evaluation_id)
    return (
        sa.select(
            *keys,
            sa.func.count().label("answered"),
            _count_if(ANSWERS.c.earned < ANSWERS.c.possible).label("failed"),
        )
        .select_from(source)
        .where(*_scored_answers(ids))
        .group_by(*keys)
    )


def agent_rows(dialect: str, ids: Iterable[int] | None = None) -> sa.Select:
    """Rows of ``report_agent_question_days`` for the evaluations ``ids`` (all if None)."""
    keys = [
        EVALS.c.agent_id.label("agent_id"),
        ANSWERS.c.question_key.label("question_key"),
        day_of(EVALS.c.submitted_at, dialect).label("day"),
    ]
    return (
        sa.select(
            *keys,
            sa.func.count().label("answered"),
            _count_if(ANSWERS.c.earned >= ANSWERS.c.possible).label("passed"),
        )
        .select_from(ANSWERS.join(EVALS, EVALS.c.id == ANSWERS.c.evaluation_id))
        .where(*_scored_answers(ids))
        .group_by(*keys)
    )


BUILDERS = (question_rows, agent_rows)


def rebuild(conn: sa.Connection) -> dict[str, int]:
    """Recompute every roll-up from the raw tables; returns the rows written per table.

    Run inside the caller's transaction (the migration's, or the CLI's), so
    readers see either the old or the new roll-ups, never a half-built one.
    Rows are written in key order (day first for the daily roll-up, agent first
    for the agents'), so a period's or an agent's rows sit on few pages, as a
    period's do once the write path has appended them day by day. Written in the
    GROUP BY's hash order instead, the Questions tab's 12 weeks were spread
    over every page of the table: its query read 1,612 pages instead of 124.
    """
    dialect = conn.dialect.name
    out = {}
    for (table, keys, counts), build in zip(SHAPES, BUILDERS, strict=True):
        rows = build(dialect)
        rows = rows.order_by(*rows.selected_columns[: len(keys)])
        conn.execute(table.delete())
        conn.execute(table.insert().from_select([*keys, *counts], rows))
        # Counted, not rowcount: drivers may not report one for INSERT ... SELECT.
        out[table.name] = conn.scalar(sa.select(sa.func.count()).select_from(table))
    return out


# --- the write path -----------------------------------------------------------


def contributions(conn: sa.Connection, ids: set[int]) -> list[dict[tuple, tuple]]:
    """Per roll-up, {key: counts} of what the evaluations ``ids`` contribute now."""
    if not ids:
        return [{} for _ in SHAPES]
    dialect = conn.dialect.name
    out = []
    for (_, keys, counts), build in zip(SHAPES, BUILDERS, strict=True):
        rows = conn.execute(build(dialect, ids)).mappings()
        out.append({tuple(r[k] for k in keys): tuple(int(r[c]) for c in counts) for r in rows})
    return out


def apply_difference(conn: sa.Connection, before: list[dict], after: list[dict]) -> None:
    """Add ``after - before`` to the roll-ups; drop rows left with nothing answered."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for (table, keys, counts), old, new in zip(SHAPES, before, after, strict=True):
        delta = []
        for key in old.keys() | new.keys():
            a, b = new.get(key, (0,) * len(counts)), old.get(key, (0,) * len(counts))
            change = tuple(x - y for x, y in zip(a, b, strict=True))
            if any(change):
                delta.append(dict(zip((*keys, *counts), (*key, *change), strict=True)))
        if not delta:
            continue
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={c: table.c[c] + stmt.excluded[c] for c in counts},
        )
        conn.execute(stmt, delta)
        if all(row[c] >= 0 for row in delta for c in counts):
            continue  # only additions: no row can have dropped to nothing
        empty = table.delete().where(
            *(table.c[k] == sa.bindparam(f"k_{k}") for k in keys), table.c[counts[0]] <= 0
        )
        conn.execute(empty, [{f"k_{k}": row[k] for k in keys} for row in delta])


def counted_of_interactions(conn: sa.Connection, where: Any) -> set[int]:
    """Ids of the counted evaluations of the interactions matching ``where``."""
    query = (
        sa.select(EVALS.c.id)
        .select_from(EVALS.join(INTERACTIONS, INTERACTIONS.c.id == EVALS.c.interaction_id))
        .where(where, counted_clause(EVALS.c))
    )
    return set(conn.scalars(query))


@contextmanager
def interactions_rewritten(
    conn: sa.Connection, source: str, external_ids: list[str]
) -> Iterator[bool]:
    """Around a bulk write of interactions (team or channel may change): carry
    their counted evaluations' contributions from the old values to the new.

    Gives whether the source has any evaluation at all (drafts too): only then
    can the write move one, and must the caller make the evaluations follow
    their interactions (``reviews.evaluations.follow_interactions``) inside
    the block, before the contributions are read again."""
    # First ask, from the evaluations' side, whether this source has any
    # evaluation at all: a first import of a new source (the common bulk case)
    # then skips the lookups below, which inside one long transaction run on an
    # empty table's statistics and would scan the growing table once per batch.
    evaluated = sa.select(EVALS.c.id).join(
        INTERACTIONS, INTERACTIONS.c.id == EVALS.c.interaction_id
    )
    if conn.scalar(evaluated.where(INTERACTIONS.c.source == source).limit(1)) is None:
        yield False
        return
    where = sa.and_(INTERACTIONS.c.source == source, INTERACTIONS.c.external_id.in_(external_ids))
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(INTERACTIONS.c.id).where(where).order_by(INTERACTIONS.c.id)
                     .with_for_update())  # fmt: skip
    ids = counted_of_interactions(conn, where)
    before = contributions(conn, ids)
    yield True
    if ids:
        apply_difference(conn, before, contributions(conn, ids))


class Tracked:
    """What some evaluations contribute to the roll-ups before a change, kept
    until ``settle`` adds the difference (see ``track``)."""

    def __init__(self, session: Session, evaluations: Iterable[Evaluation]) -> None:
        self.session = session
        self.evaluations = list(evaluations)
        # A draft (or a new evaluation) contributes nothing: no read, no lock.
        # Its submit is an UPDATE checked against ``lock_version``, so had it
        # been submitted meanwhile by someone else, the flush would fail
        # rather than count from a wrong "before".
        self.counted = {e.id for e in self.evaluations if e.id is not None and e.counted}
        self.before = [{} for _ in SHAPES]
        if self.counted:
            conn = session.connection()
            _lock(conn, self.counted, {e.interaction_id for e in self.evaluations if e.counted})
            self.before = contributions(conn, self.counted)

    def add(self, evaluation: Evaluation) -> None:
        """An evaluation created after ``track``: it contributed nothing before."""
        self.evaluations.append(evaluation)

    def settle(self) -> None:
        """Flush the change (a lost optimistic-lock race raises ``StaleDataError``
        here, as it would at the commit), then add what the evaluations
        contribute now minus what they did before. The caller commits."""
        # Submitted now, not counted before (a new one's kind is only filled
        # in by the flush; the contribution read below checks it in SQL).
        newly = [e for e in self.evaluations if e.id not in self.counted
                 and (e.counted or (e.id is None and e.status == COUNTED_STATUS))]  # fmt: skip
        if newly:  # their interactions must not move before the commit
            _lock(self.session.connection(), set(), {e.interaction_id for e in newly})
        self.session.flush()
        ids = self.counted | {e.id for e in newly}
        if ids:
            conn = self.session.connection()
            apply_difference(conn, self.before, contributions(conn, ids))


def track(session: Session, evaluations: Iterable[Evaluation]) -> Tracked:
    """Call before changing what ``evaluations`` contribute to the roll-ups
    (their answers, status, kind or day, or deleting them; ``add`` the ones
    created afterwards), and ``settle()`` the result before the commit:

        rollup = rollups.track(db.session, [evaluation])
        ...  # change the evaluation
        rollup.settle()
        db.session.commit()

    The difference lands in the caller's transaction, so a rollback takes it
    back with the change. Nothing of the evaluations may be flushed between
    the change and ``track`` (the "before" is read from the database). On
    PostgreSQL the counted evaluations' rows are locked (their interactions
    shared) before their contribution is read, so two transactions never
    both subtract the same old state.
    """
    return Tracked(session, evaluations)


def _lock(conn: sa.Connection, evaluations: set[int], interactions: set[int]) -> None:
    """PostgreSQL: hold the rows whose contribution is about to be read
    (interactions shared, so an import cannot move them until the commit, then
    evaluations; always in id order, so two writers queue, not deadlock)."""
    if conn.dialect.name != "postgresql":
        return
    for ids, table, shared in ((interactions, INTERACTIONS, True), (evaluations, EVALS, False)):
        ids = {i for i in ids if i is not None}
        if ids:
            query = sa.select(table.c.id).where(table.c.id.in_(sorted(ids))).order_by(table.c.id)
            conn.execute(query.with_for_update(read=shared))
