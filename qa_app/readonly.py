"""Pages that only read run without a database transaction.

Every request used to open a transaction at its first statement and roll it
back at its end: a BEGIN and a ROLLBACK, two round trips and SQLAlchemy's
bookkeeping, 0.4-0.6 ms of an empty signed-in page of 2.1-2.4 ms (PostgreSQL
on loopback, the two kinds of page timed alternately in one process). A page
that only reads gains nothing from them: at READ COMMITTED, PostgreSQL's
default and the application's, every statement sees the data committed when
it starts, inside a transaction or not.

So a view marked ``@read_only`` runs its GET and HEAD requests on a connection
in autocommit mode, from the sign-in lookup to its last statement:

- A write there is a bug, and would commit at once instead of at the end: the
  session refuses it (``ReadOnlyError``, a 500) before anything is sent.
- ``begin_transaction`` starts a real transaction where a page needs one for
  settings that last until its end (the reports' ``analytic``).
- A session that already has a transaction (a test holding one around its
  requests) keeps it: nothing changes for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from qa_app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

_FLAG = "qa_read_only"
_TRANSACTION = "qa_read_only_transaction"
METHODS = frozenset({"GET", "HEAD"})


class ReadOnlyError(RuntimeError):
    """A view marked ``@read_only`` tried to write."""


def read_only(view: F) -> F:
    """Mark a view that never writes: its GET and HEAD run without a transaction."""
    view.read_only = True  # type: ignore[attr-defined]
    return view


def is_read_only(session: Session) -> bool:
    return bool(session.info.get(_FLAG))


def begin_transaction(session: Session) -> None:
    """In a read-only request, start a transaction for the rest of it (rolled
    back at its end, as every request's is); elsewhere there is one already."""
    if not is_read_only(session) or session.info.get(_TRANSACTION):
        return
    session.connection().exec_driver_sql("BEGIN")
    session.info[_TRANSACTION] = True


def requested() -> bool:
    """This request is a GET or HEAD of a view marked ``@read_only``."""
    if request.method not in METHODS or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "read_only", False)


def start() -> None:
    """``before_request``, ahead of the sign-in lookup: a marked view's GET or
    HEAD gets an autocommit connection."""
    if not requested():
        return
    session = db.session()
    if session.in_transaction():
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    session.info[_FLAG] = True


def finish(_: BaseException | None = None) -> None:
    """``teardown_request``: give the connection back (a transaction begun by
    ``begin_transaction`` is rolled back) and forget the mode, also where the
    session outlives the request."""
    if not db.session.registry.has():  # the request never opened one
        return
    session = db.session()
    if session.info.pop(_FLAG, False):
        session.info.pop(_TRANSACTION, None)
        session.rollback()


def _refuse_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    if is_read_only(session) and (session.new or session.dirty or session.deleted):
        raise ReadOnlyError(f"{request.endpoint} is read-only and tried to save changes")


def _refuse_writes(state: ORMExecuteState) -> None:
    if is_read_only(state.session) and not state.is_select:
        statement = state.statement
        if (
            state.is_insert
            or state.is_update
            or state.is_delete
            or isinstance(statement, sa.TextClause)
        ):
            raise ReadOnlyError(f"{request.endpoint} is read-only and tried to write")


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    for name, listener in (("before_flush", _refuse_flush), ("do_orm_execute", _refuse_writes)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
