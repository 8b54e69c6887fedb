"""A page's main query sent to PostgreSQL before the page renders, read when
the template reaches its rows.

A report page used to run its query, wait for it, and only then render: the
signed-in layout, the tabs and the filter bar (0.6-0.7 ms of the Questions
tab, whose query takes about 4 ms; timed inside the request) waited for a
result they do not use. ``send`` puts the statement on the wire through
psycopg's pipeline mode (the documented way to send without waiting for the
result) and returns at once; ``Early.rows`` waits for what is left of the
query when the template asks. The page then takes about as long as the larger
of the two, not their sum.

The statement runs on the request's own connection (in its transaction, if
the request has one: ``qa_app.readonly``). Until
its rows are read that connection is in pipeline mode, so every other use of
it first reads them and leaves the pipeline: a statement through SQLAlchemy
(``before_cursor_execute``), a commit, a rollback (the end of every request),
the pool's reset of a connection given back. A page that never reads the rows
costs nothing more than the query.

Anything else runs the statement at once and keeps its rows, with the same
result: another database (SQLite), another driver, or a statement whose
parameters or columns SQLAlchemy must convert (``bind_processor`` or
``result_processor``), since the rows come from the driver unconverted.
Tracing and logging listeners still see the statement: ``before`` and
``after_cursor_execute`` are dispatched around it, with no execution context
(SQLAlchemy did not execute it).
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import Session

_PENDING = "qa_early_pending"


class Early:
    """A statement's rows (tuples), ready now or waited for on first read."""

    def __init__(self, rows: list[tuple] | None = None) -> None:
        self._rows = rows
        self._error: BaseException | None = None
        self._conn: Connection | None = None
        self._cursor: Any = None
        self._pipeline: contextlib.ExitStack | None = None
        self._statement: tuple[str, dict[str, Any]] | None = None

    def rows(self) -> list[tuple]:
        if self._rows is None and self._error is None:
            self._finish()
        if self._error is not None:
            raise self._error
        assert self._rows is not None
        return self._rows

    def _finish(self) -> None:
        """Wait for the rows and leave pipeline mode, whatever happens."""
        conn, pipeline = self._conn, self._pipeline
        assert conn is not None and pipeline is not None
        conn.info.pop(_PENDING, None)
        assert self._statement is not None
        sql, params = self._statement
        try:
            with pipeline:  # leaving it syncs the pipeline, passing on any error
                fetched = self._cursor.fetchall()
            if conn.dispatch.after_cursor_execute:
                conn.dispatch.after_cursor_execute(conn, self._cursor, sql, params, None, False)
        except conn.dialect.loaded_dbapi.Error as error:
            self._error = _wrapped(error, sql, params, conn)
            raise self._error from error
        except BaseException as error:
            self._error = error
            raise
        finally:
            self._cursor.close()
        self._rows = [tuple(row) for row in fetched]


def send(session: Session, statement: sa.Select) -> Early:
    """Send ``statement`` on ``session``'s connection; its rows come later."""
    conn = session.connection()
    compiled = _sendable(statement, conn.dialect) if _pipelines(conn.dialect) else None
    if compiled is None:
        return Early([tuple(row) for row in session.execute(statement)])
    _finish_pending(conn)  # one statement in flight per connection
    sql, params = compiled
    driver = conn.connection.driver_connection
    early = Early()
    early._conn, early._statement = conn, compiled
    stack = contextlib.ExitStack()
    stack.enter_context(driver.pipeline())
    try:
        cursor = driver.cursor()
        if conn.dispatch.before_cursor_execute:
            conn.dispatch.before_cursor_execute(conn, cursor, sql, params, None, False)
        # Unprepared, so each run is planned for its own parameters, as before
        # this module: psycopg prepares a statement on its fifth run on a
        # connection, and every request's ROLLBACK used to reset that count (a
        # read-only page has none now), so the page's query never was prepared.
        cursor.execute(sql, params, prepare=False)
    except conn.dialect.loaded_dbapi.Error as error:
        stack.close()
        raise _wrapped(error, sql, params, conn) from error
    except BaseException:
        stack.close()
        raise
    early._cursor, early._pipeline = cursor, stack
    conn.info[_PENDING] = early
    return early


def _pipelines(dialect: Dialect) -> bool:
    """psycopg, on a libpq with pipeline mode (14 or later)."""
    return dialect.driver == "psycopg" and dialect.loaded_dbapi.Pipeline.is_supported()


@lru_cache(maxsize=256)
def _sendable(statement: sa.Select, dialect: Dialect) -> tuple[str, dict[str, Any]] | None:
    """The SQL and parameters psycopg runs for ``statement`` (kept per statement,
    as SQLAlchemy keeps its compiled form), or None when SQLAlchemy would convert
    a parameter or a column (see the module's docstring)."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    binds = [bind.type.dialect_impl(dialect) for bind in compiled.binds.values()]
    columns = [column.type.dialect_impl(dialect) for column in statement.selected_columns]
    try:
        converts = any(t.bind_processor(dialect) for t in binds) or any(
            t.result_processor(dialect, None) for t in columns
        )
    except sa.exc.SQLAlchemyError:  # a type that needs the driver's column type to say
        converts = True
    return None if converts else (str(compiled), dict(compiled.params))


def _wrapped(error: Exception, sql: str, params: dict[str, Any], conn: Connection) -> Exception:
    """The driver's error as SQLAlchemy raises it for any other statement."""
    return sa.exc.DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error)


def _finish_pending(conn: Connection, *_: Any) -> None:
    """Before a statement or a commit on ``conn``: its pending rows first."""
    if conn.invalidated:  # a lost connection is discarded, pipeline and all
        return
    early = conn.info.get(_PENDING)
    if early is not None:
        early._finish()


def _quietly_finish_pending(info: dict) -> None:
    """Before a rollback or the pool's reset: an error of the unread query
    belongs to whoever reads it, not to the rollback that discards it."""
    early = info.get(_PENDING)
    if early is not None:
        with contextlib.suppress(Exception):
            early._finish()


def _before_rollback(conn: Connection) -> None:
    if not conn.invalidated:
        _quietly_finish_pending(conn.info)


def _before_reset(dbapi_connection: Any, record: Any, reset_state: Any) -> None:
    _quietly_finish_pending(record.info)


def install() -> None:
    """Listen on every engine and pool (idempotent)."""
    events: tuple[tuple[Any, str, Any], ...] = (
        (Engine, "before_cursor_execute", _finish_pending),
        (Engine, "commit", _finish_pending),
        (Engine, "rollback", _before_rollback),
        (sa.pool.Pool, "reset", _before_reset),
    )
    for target, name, listener in events:
        if not sa.event.contains(target, name, listener):
            sa.event.listen(target, name, listener)
