"""The filter bar's lists, kept between pages.

Every report page lists every team, agent, reviewer and published scorecard in
its filter selects (hundreds of rows, read and turned into option markup), which
cost the small Questions page a sixth of its time although the lists change a
few times a month. So the built lists are kept per application and process:

- for at most ``REPORT_FILTER_LIST_SECONDS`` (default 30; 0 builds them for
  every page), so a change made through another worker shows within that time;
- and never past a commit of this process that changed a team, user, scorecard
  or scorecard version: the next page builds them again at once.

Only the selects' choices are kept; every figure on the page is read fresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

T = TypeVar("T")

WATCHED = frozenset({"teams", "users", "scorecards", "scorecard_versions"})
_KEY = "qa_report_filter_lists"
_TOUCHED = "qa_touched_filter_lists"
_commits = [0]  # commits that changed a watched table, this process


def lists(build: Callable[[], T]) -> T:
    """``build()``'s result, kept as described above."""
    seconds = float(current_app.config.get("REPORT_FILTER_LIST_SECONDS", 0))
    if seconds <= 0:
        return build()
    kept = current_app.extensions.get(_KEY)
    now, commits = time.monotonic(), _commits[0]
    if kept is not None and kept[1] == commits and now - kept[0] < seconds:
        return kept[2]
    # The count is read before the lists: a change committed while they are read
    # leaves them marked as older than it, so the next page reads them again.
    value = build()
    current_app.extensions[_KEY] = (now, commits, value)
    return value


def _flushed(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    if any(
        getattr(type(obj), "__tablename__", None) in WATCHED
        for obj in chain(session.new, session.dirty, session.deleted)
    ):
        session.info[_TOUCHED] = True


def _executed(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE or DELETE statements through the session."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if isinstance(table, sa.Table) and table.name in WATCHED:
            state.session.info[_TOUCHED] = True


def _committed(session: Session) -> None:
    if session.info.pop(_TOUCHED, False):
        _commits[0] += 1


def _rolled_back(session: Session) -> None:
    session.info.pop(_TOUCHED, None)  # the whole transaction: nothing changed


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    events: tuple[tuple[str, Any], ...] = (
        ("before_flush", _flushed),
        ("do_orm_execute", _executed),
        ("after_commit", _committed),
        ("after_rollback", _rolled_back),
    )
    for name, listener in events:
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
