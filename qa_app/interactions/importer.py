"""Writing an interaction file to the database: all or nothing, or good rows plus a
rejects file; re-importing a source updates instead of duplicating.

The file is read once, in batches. Each batch gets its database checks (agents,
teams) with one query, then one upsert statement (on PostgreSQL: the batch is
first COPYed into a temporary staging table, then upserted from it). Everything happens inside one
transaction that commits only at the end, so nobody ever sees a half-written
import: in the default mode the first bad row stops the writing, the rest of the
file is still checked so every problem is reported, and the transaction is
rolled back; an exception anywhere rolls back as well.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import column, literal_column, table, text
from sqlalchemy.dialects import postgresql, sqlite

from qa_app import audit
from qa_app.extensions import db
from qa_app.interactions import parsing, redaction
from qa_app.interactions.directory import Directory
from qa_app.interactions.parsing import Record, Rejected, RowProblem
from qa_app.interactions.rejects import Spool, write_rejects
from qa_app.models import Interaction, User, utcnow
from qa_app.reports import rollups
from qa_app.reviews import evaluations

BATCH_SIZE = 2000
TABLE = Interaction.__table__
UPDATED_COLUMNS = (
    "channel",
    "agent_id",
    "team_id",
    "started_at",
    "duration_seconds",
    "customer_ref",
    "transcript",
    "csat",
    "escalated",
    "topic",
    "region",
    "hold_seconds",
    "wrap_seconds",
    "transferred",
    "resolved_first_contact",
    "metadata",
    "imported_at",
    "purged_at",  # a re-imported transcript is no longer purged
)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    fatal: bool = False  # the file could not be read to its end: nothing written
    agents_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    preview: list[dict[str, Any]] = field(default_factory=list)
    flagged: int = 0  # interactions scored by the active flagging model(s)
    problem_count: int = 0  # all of them; ``problems`` may keep only the first
    problem_kinds: Counter[str] = field(default_factory=Counter)  # per column ("" = the row)
    # Rejected rows that no import option can save, and the options each of the
    # others needs (rows whose only problems are a missing agent or team).
    unfixable: int = 0
    remedies: Counter[str] = field(default_factory=Counter)

    @property
    def written(self) -> int:
        return self.created + self.updated

    def line(self) -> str:
        return f"created {self.created}, updated {self.updated}, rejected {self.rejected}"


def import_file(
    path_or_stream: str | Path | BinaryIO,
    *,
    source: str,
    partial: bool = False,
    create_agents: bool = False,
    create_teams: bool = False,
    rejects_path: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    fmt: str | None = None,
    actor: User | None = None,
    keep_problems: int | None = None,
) -> ImportSummary:
    """Import a CSV or JSON Lines file and commit, or write nothing at all.

    ``partial``: import the good rows and write the bad ones, with their row
    number and problems, to a CSV at ``rejects_path`` (default: beside the
    file, ``<stem>.rejects.csv``). ``progress`` receives the bytes read so far.
    ``keep_problems``: keep only the first ones in ``problems`` (the counts cover all).
    """
    # Before _Run: its clock stamps imported_at, which _score_imported selects on.
    started = utcnow()
    run = _Run(source, partial, create_agents, create_teams, write=True)
    run.keep_problems = keep_problems
    with ExitStack() as stack:
        stack.callback(run.rejects.close)  # last out: after the rejects file is written
        stream, fmt = _open(stack, path_or_stream, fmt)
        try:
            summary = run.execute(stream, fmt, progress)
            if summary.fatal or (summary.problem_count and not partial) or not summary.written:
                db.session.rollback()
                summary.created = summary.updated = 0
                summary.agents_created, summary.teams_created = [], []
            else:
                facts = _facts(source, summary)
                audit.record(actor, "interactions.imported", "import", None, None, facts)
                db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        if summary.written:
            summary.flagged = _score_imported(source, started)
        if partial and run.rejects and not summary.fatal:
            target = Path(rejects_path) if rejects_path else _beside(path_or_stream)
            if target is not None:
                write_rejects(target, run.rejects)
                summary.rejects_path = target
    return summary


def preview_file(
    path_or_stream: str | Path | BinaryIO,
    *,
    fmt: str | None = None,
    limit: int = 10,
    keep_problems: int | None = None,
    rejects_path: Path | None = None,
) -> ImportSummary:
    """Every problem the import would meet and the first ``limit`` good rows;
    writes nothing to the database. Unknown agents and teams count as problems here.

    ``keep_problems``: keep only the first ones in ``problems`` (the counts
    cover all); ``rejects_path``: write every rejected row there, with its problems."""
    run = _Run("", partial=True, create_agents=False, create_teams=False, write=False)
    run.preview_limit = limit
    run.keep_problems = keep_problems
    with ExitStack() as stack:
        stack.callback(run.rejects.close)
        stream, fmt = _open(stack, path_or_stream, fmt)
        summary = run.execute(stream, fmt, None)
        db.session.rollback()
        if rejects_path is not None and run.rejects:
            write_rejects(rejects_path, run.rejects)
            summary.rejects_path = rejects_path
    return summary


class _Run:
    def __init__(
        self, source: str, partial: bool, create_agents: bool, create_teams: bool, write: bool
    ) -> None:
        self.source = source
        self.partial = partial
        self.write = write
        self.directory = Directory(create_agents, create_teams, write=write)
        self.rejects = Spool()  # on disk: a file may have a hundred thousand bad rows
        self.preview_limit = 0
        self.keep_problems: int | None = None  # None: every problem in the summary
        self.summary = ImportSummary()
        self.now = utcnow()
        # Redaction happens here, between reading and writing, so neither the
        # database, the preview nor the rejects file ever holds the raw values.
        self.policy = redaction.policy_from_config(current_app.config)
        self._upsert: Any = None
        self._postgres = False

    def execute(
        self, stream: BinaryIO, fmt: str, progress: Callable[[int], None] | None
    ) -> ImportSummary:
        self._postgres = db.session.get_bind().dialect.name == "postgresql"
        for batch in _batches(parsing.read(stream, fmt)):
            records = [item for item in batch if isinstance(item, Record)]
            for record in records:
                record.transcript = redaction.redact_turns(record.transcript, self.policy)
            for item in batch:
                if isinstance(item, Rejected):
                    self._reject(item)
            if self.summary.fatal:
                break
            good, refused = self.directory.resolve(records)
            for item in refused:
                self._reject(item)
            self._accept(good)
            if progress is not None and hasattr(stream, "tell"):
                progress(stream.tell())
        self.summary.agents_created = self.directory.agents_created
        self.summary.teams_created = self.directory.teams_created
        return self.summary

    def _reject(self, item: Rejected) -> None:
        summary = self.summary
        summary.problem_count += len(item.problems)
        summary.problem_kinds.update(p.column for p in item.problems)
        needs = {p.remedy for p in item.problems}
        if "" in needs or not needs:
            summary.unfixable += 1
        else:
            summary.remedies.update(needs)
        kept = item.problems
        if self.keep_problems is not None:
            kept = kept[: max(self.keep_problems - len(summary.problems), 0)]
        summary.problems.extend(kept)
        if item.fatal:
            self.summary.fatal = True
            return
        self.summary.rows += 1
        self.summary.rejected += 1
        if self.partial:
            item.raw = {
                key: _redact_raw(key, value, self.policy) for key, value in item.raw.items()
            }
            self.rejects.add(item)

    def _accept(self, good: list[tuple[Record, dict[str, Any]]]) -> None:
        self.summary.rows += len(good)
        room = self.preview_limit - len(self.summary.preview)
        for record, values in good[: max(room, 0)]:
            self.summary.preview.append({"record": record, **values})
        if not good or not self.write or (self.summary.problem_count and not self.partial):
            return
        rows = [_row(self.source, record, values, self.now) for record, values in good]
        ids = [row["external_id"] for row in rows]
        # A re-import may move an interaction to another team or channel: its
        # evaluations follow it there, and the report roll-ups with them.
        conn = db.session.connection()
        with rollups.interactions_rewritten(conn, self.source, ids) as evaluated:
            created = self._copy_upsert(rows) if self._postgres else self._sqlite_write(rows)
            if evaluated:
                evaluations.follow_interactions(conn, self.source, ids)
        self.summary.created += created
        self.summary.updated += len(rows) - created

    def _sqlite_write(self, rows: list[dict[str, Any]]) -> int:
        """Upsert with executemany; returns how many rows were new."""
        ids = [row["external_id"] for row in rows]
        query = db.select(TABLE.c.external_id).where(
            TABLE.c.source == self.source, TABLE.c.external_id.in_(ids)
        )
        existing = set(db.session.scalars(query))
        if self._upsert is None:
            self._upsert = _sqlite_upsert()
        db.session.execute(self._upsert, rows)
        return len(rows) - len(existing)

    def _copy_upsert(self, rows: list[dict[str, Any]]) -> int:
        """COPY the batch into the staging table, then one upsert from it;
        returns how many rows were new (``xmax = 0`` marks a fresh insert, so
        no separate look-up of existing ids is needed).

        The COPY goes through the psycopg connection under the session's own
        connection, so it is part of the same transaction (and rolls back with it).
        """
        if self._upsert is None:
            db.session.execute(text(_CREATE_STAGING))
            self._upsert = _postgres_upsert()
        else:
            db.session.execute(text(f"TRUNCATE {STAGING}"))
        driver = db.session.connection().connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(_COPY_STAGING) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row["source"],
                        row["external_id"],
                        row["channel"],
                        row["agent_id"],
                        row["team_id"],
                        row["started_at"],
                        row["duration_seconds"],
                        row["customer_ref"],
                        _json(row["transcript"]),
                        row["csat"],
                        row["escalated"],
                        row["topic"],
                        row["region"],
                        row["hold_seconds"],
                        row["wrap_seconds"],
                        row["transferred"],
                        row["resolved_first_contact"],
                        _json(row["metadata"]),
                        row["imported_at"],
                        row["purged_at"],
                    )
                )
        return sum(1 for inserted in db.session.scalars(self._upsert) if inserted)


COLUMNS = ("source", "external_id", *UPDATED_COLUMNS)
STAGING = "interactions_import_staging"
# Only the written columns, with their types, and no defaults, keys or indexes:
# (LIKE interactions INCLUDING DEFAULTS) would bring the id column along, and
# its default would draw a sequence number for every staged row.
# IF NOT EXISTS: a caller may run two imports inside one outer transaction.
_CREATE_STAGING = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} ON COMMIT DROP AS "
    f"SELECT {', '.join(COLUMNS)} FROM interactions WITH NO DATA"
)
_COPY_STAGING = f"COPY {STAGING} ({', '.join(COLUMNS)}) FROM STDIN"


def _postgres_upsert() -> Any:
    """INSERT INTO interactions SELECT ... FROM staging ON CONFLICT DO UPDATE.

    The batch reaches the server by COPY (the cheapest way in: no statement to
    parse per row, no per-value placeholders), the upsert then runs set-wise.
    """
    staging = table(STAGING, *(column(name) for name in COLUMNS))
    stmt = postgresql.insert(TABLE).from_select(list(COLUMNS), db.select(*staging.c))
    return stmt.on_conflict_do_update(
        index_elements=[TABLE.c.source, TABLE.c.external_id],
        set_={name: stmt.excluded[name] for name in UPDATED_COLUMNS},
    ).returning(literal_column("xmax = 0").label("inserted"))


def _json(value: Any) -> str:
    """A JSON column's value as JSON text; COPY's text format hands it to jsonb."""
    return json.dumps(value, default=_iso, separators=(",", ":"))


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _sqlite_upsert() -> Any:
    """INSERT ... VALUES ... ON CONFLICT DO UPDATE, sent with executemany (a C loop)."""
    stmt = sqlite.insert(TABLE)
    return stmt.on_conflict_do_update(
        index_elements=[TABLE.c.source, TABLE.c.external_id],
        set_={name: stmt.excluded[name] for name in UPDATED_COLUMNS},
    )


def _batches(items: Iterator[Record | Rejected]) -> Iterator[list[Record | Rejected]]:
    batch: list[Record | Rejected] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH_SIZE or (isinstance(item, Rejected) and item.fatal):
            yield batch
            batch = []
    if batch:
        yield batch


def _row(source: str, record: Record, values: dict[str, Any], now: Any) -> dict[str, Any]:
    return {
        "source": source,
        "external_id": record.external_id,
        "channel": record.channel,
        "agent_id": values["agent_id"],
        "team_id": values["team_id"],
        "started_at": record.started_at,
        "duration_seconds": record.duration_seconds,
        "customer_ref": record.customer_ref,
        "transcript": record.transcript,
        "csat": record.csat,
        "escalated": record.escalated,
        "topic": record.topic,
        "region": record.region,
        "hold_seconds": record.hold_seconds,
        "wrap_seconds": record.wrap_seconds,
        "transferred": record.transferred,
        "resolved_first_contact": record.resolved_first_contact,
        "metadata": record.meta,
        "imported_at": now,
        "purged_at": None,
    }


def _open(stack: ExitStack, path_or_stream: Any, fmt: str | None) -> tuple[BinaryIO, str]:
    if isinstance(path_or_stream, str | Path):
        fmt = parsing.detect_format(str(path_or_stream), fmt)
        return stack.enter_context(Path(path_or_stream).open("rb")), fmt
    fmt = parsing.detect_format(getattr(path_or_stream, "name", None), fmt)
    return path_or_stream, fmt


def _beside(path_or_stream: Any) -> Path | None:
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        return path.with_name(f"{path.stem}.rejects.csv")
    return None


def _redact_raw(key: str, value: Any, policy: redaction.Policy) -> Any:
    """A rejected row's transcript (or unreadable JSON line) is redacted like a good one."""
    if str(key).lower() not in ("transcript", "line"):
        return value
    if isinstance(value, str):
        return redaction.redact(value, policy)
    if isinstance(value, list):
        return [
            redaction.redact_turns([turn], policy)[0] if isinstance(turn, dict) else turn
            for turn in value
        ]
    return value


def _facts(source: str, summary: ImportSummary) -> dict[str, Any]:
    return {
        "source": source,
        "created": summary.created,
        "updated": summary.updated,
        "rejected": summary.rejected,
        "agents_created": summary.agents_created,
        "teams_created": summary.teams_created,
    }


def _score_imported(source: str, since: datetime) -> int:
    """New and updated interactions are scored by the active flagging models.

    The import itself is committed already: a model that cannot be loaded is
    logged, never a reason to lose imported rows.
    """
    from qa_app.flags import services as flags

    if not flags.active_models():
        return 0
    ids = db.session.scalars(
        db.select(Interaction.id).where(
            Interaction.source == source, Interaction.imported_at >= since
        )
    ).all()
    try:
        return flags.score_interactions(ids)
    except flags.FlagServiceError as exc:
        current_app.logger.warning("imported interactions not scored: %s", exc)
        return 0
