"""Checking pooled database connections only when they may have gone stale.

SQLAlchemy's ``pool_pre_ping`` pings the server on *every* checkout: one extra
round trip per request, a sixth of a scoring page's. Connections die while
they sit idle in the pool (a server restart, a proxy or firewall dropping an
idle connection); a connection that served a request a moment ago does not.
So a connection is pinged when it comes out of the pool after more than
``DATABASE_PING_AFTER_IDLE_SECONDS`` (default 10) unused, and a dead one is
replaced before the request sees it (``DisconnectionError``: the pool discards
it and hands out a fresh connection). This is SQLAlchemy's documented
pessimistic recipe with an idle threshold. A server that restarts mid-burst
still costs the requests in flight an error, as with the built-in ping.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event, exc

from qa_app.extensions import db

_IDLE_SINCE = "qa_idle_since"


def install(app: Flask) -> None:
    """Ping idle connections of every server-based engine of ``app``."""
    seconds = float(app.config.get("DATABASE_PING_AFTER_IDLE_SECONDS", 10))
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":  # a file: nothing to drop the connection
            continue
        event.listen(engine, "checkin", _checked_in)
        event.listen(engine, "checkout", _pinger(seconds))


def _checked_in(dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _pinger(seconds: float) -> Any:
    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since <= seconds:
            return  # new, or back from a request a moment ago
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()  # leave no transaction open behind the ping
        except Exception as error:  # the driver's own error type: dead either way
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error

    return checkout
