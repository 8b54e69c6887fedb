"""Locks that hold across processes and machines: in the database, never in
memory, so two gunicorn workers (or two web machines) serialise on them.

``hold(name, key)`` takes a lock released when the current transaction ends.
Use it around check-then-insert work that no unique constraint protects;
``slot(text)`` turns a text key (an e-mail's digest, an address) into ``key``.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text

from qa_app.extensions import db


def slot(value: str) -> int:
    """A stable signed 32-bit number for ``value``, the range an advisory
    lock's two keys take. Two values may share one: they then merely wait for
    each other."""
    return zlib.crc32(value.encode()) - 2**31


def hold(name: str, key: int = 0) -> None:
    """Block until this transaction holds the lock ``(name, key)``.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the database's
    write lock, taken now rather than at the first write (SQLite has one writer
    at a time, so that serialises the same work).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
            {"namespace": slot(name), "key": key},
        )
    else:
        db.session.execute(text("DELETE FROM notifications WHERE 0 = 1"))
