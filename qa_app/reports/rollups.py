"""Keeping the report roll-ups exact (``qa_app.models.report``).

One definition of what a counted evaluation contributes to each roll-up
(``question_rows``, ``agent_rows``: the GROUP BY of the raw tables) serves
both ways of filling them:

- ``rebuild`` recomputes the tables from scratch (the migration's backfill,
  ``flask reports rebuild-rollups``);
- a session listener keeps them exact on every write: before a flush it reads
  what the evaluations the flush touches contribute now, after the flush what
  they contribute then, and adds the difference, in the same transaction. So
  submit, edit, re-review, dispute overturn, consensus publication, deletion
  and an interaction moving team or channel all land in the roll-ups, and a
  rollback takes the roll-up change back with it. Writes that bypass the ORM
  wrap themselves in ``interactions_rewritten`` (the import's bulk upsert).

On PostgreSQL the touched rows are locked before their contribution is read,
so two transactions never both subtract the same old state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qa_app.models import AgentQuestionDay, Answer, Evaluation, Interaction, QuestionDay
from qa_app.models.evaluation import counted_clause

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
PENDING = "report_rollups_pending"


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
        sa.func.coalesce(INTERACTIONS.c.team_id, 0).label("team_id"),
        INTERACTIONS.c.channel.label("channel"),
        EVALS.c.scorecard_version_id.label("scorecard_version_id"),
        ANSWERS.c.question_key.label("question_key"),
    ]
    source = ANSWERS.join(EVALS, EVALS.c.id == ANSWERS.c.evaluation_id).join(
        INTERACTIONS, INTERACTIONS.c.id == EVALS.c.interaction_id
    )
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


def _lock(conn: sa.Connection, evaluations: set[int], read: set[int], moved: set[int]) -> None:
    """PostgreSQL: hold the rows whose contribution is about to be read (interactions
    first, then evaluations, always in id order, so two writers queue, not deadlock)."""
    if conn.dialect.name != "postgresql":
        return
    for ids, table, shared in ((read - moved, INTERACTIONS, True), (moved, INTERACTIONS, False),
                               (evaluations, EVALS, False)):  # fmt: skip
        if ids:
            query = sa.select(table.c.id).where(table.c.id.in_(sorted(ids))).order_by(table.c.id)
            conn.execute(query.with_for_update(read=shared))


def counted_of_interactions(conn: sa.Connection, where: Any, limit: int | None = None) -> set[int]:
    """Ids of the counted evaluations of the interactions matching ``where``."""
    query = (
        sa.select(EVALS.c.id)
        .select_from(EVALS.join(INTERACTIONS, INTERACTIONS.c.id == EVALS.c.interaction_id))
        .where(where, counted_clause(EVALS.c))
        .limit(limit)
    )
    return set(conn.scalars(query))


@contextmanager
def interactions_rewritten(conn: sa.Connection, source: str, external_ids: list[str]) -> Iterator:
    """Around a bulk write of interactions (team or channel may change): carry
    their counted evaluations' contributions from the old values to the new."""
    # First ask, from the evaluations' side, whether this source has any counted
    # evaluation at all: a first import of a new source (the common bulk case)
    # then skips the lookup below, which inside one long transaction runs on an
    # empty table's statistics and would scan the growing table once per batch.
    if counted_of_interactions(conn, INTERACTIONS.c.source == source, limit=1) == set():
        yield
        return
    where = sa.and_(INTERACTIONS.c.source == source, INTERACTIONS.c.external_id.in_(external_ids))
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(INTERACTIONS.c.id).where(where).order_by(INTERACTIONS.c.id)
                     .with_for_update())  # fmt: skip
    ids = counted_of_interactions(conn, where)
    before = contributions(conn, ids)
    yield
    if ids:
        apply_difference(conn, before, contributions(conn, ids))


def _values(obj: Any, attr: str) -> set:
    history = sa.inspect(obj).attrs[attr].history
    return set(chain(history.added or (), history.unchanged or (), history.deleted or ()))


def _moved(interaction: Interaction) -> bool:
    state = sa.inspect(interaction)
    return any(state.attrs[a].history.has_changes() for a in ("team_id", "channel"))


def _may_count(evaluation: Evaluation) -> bool:
    """Submitted before or after this flush (drafts contribute nothing either way)."""
    statuses = _values(evaluation, "status")
    if not statuses:  # not loaded: unknown; a new one without a status: a draft by default
        return not sa.inspect(evaluation).pending
    return "submitted" in statuses


def _was_draft(evaluation: Evaluation) -> bool:
    """Leaving the draft status in this flush: it contributed nothing before it.
    Its UPDATE is version-checked (``lock_version``), so had the row moved on
    meanwhile, the flush would fail rather than count from a wrong "before"."""
    return set(sa.inspect(evaluation).attrs["status"].history.deleted or ()) == {"draft"}


def _touched(session: Session) -> tuple[set[int], set[int], list[Evaluation], set[int], set[int]]:
    """Evaluation ids (persistent), those of them leaving the draft status, new
    evaluations, interaction ids moved, interactions read."""
    ids: set[int] = set()
    drafts: set[int] = set()
    new: list[Evaluation] = []
    moved: set[int] = set()
    read: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        evaluation = None
        if isinstance(obj, Evaluation):
            evaluation = obj
        elif isinstance(obj, Answer):
            evaluation = obj.evaluation
            if obj.evaluation_id is not None and (
                evaluation is None or evaluation.id != obj.evaluation_id
            ):
                ids.add(obj.evaluation_id)  # moved or removed from its evaluation
        elif isinstance(obj, Interaction) and obj.id is not None and _moved(obj):
            moved.add(obj.id)
        if evaluation is None or not _may_count(evaluation):
            continue
        if evaluation.id is None:
            new.append(evaluation)
        else:
            ids.add(evaluation.id)
            if _was_draft(evaluation):
                drafts.add(evaluation.id)
        if evaluation.interaction_id is not None:
            read.add(evaluation.interaction_id)
    return ids, drafts, new, moved, read


def _before_flush(session: Session, context: Any, instances: Any) -> None:
    session.info.pop(PENDING, None)
    ids, drafts, new, moved, read = _touched(session)
    if not (ids or new or moved):
        return
    conn = session.connection()
    if moved:
        ids |= counted_of_interactions(conn, INTERACTIONS.c.id.in_(sorted(moved)))
    counted = ids - drafts  # a draft being submitted contributed nothing: no read
    _lock(conn, counted, read, moved)
    session.info[PENDING] = (ids, new, contributions(conn, counted))


def _after_flush(session: Session, context: Any) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    ids, new, before = pending
    ids = ids | {e.id for e in new if e.id is not None}
    conn = session.connection()
    apply_difference(conn, before, contributions(conn, ids))


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)
        sa.event.listen(Session, "after_flush", _after_flush)
