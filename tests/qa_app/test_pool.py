"""Pooled PostgreSQL connections: pinged only after sitting idle, and a dead
one is replaced before a request sees it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from qa_app import create_app
from qa_app.extensions import db
from tests.qa_app.conftest import BACKEND
from tests.qa_app.helpers import TEST_CONFIG

pytestmark = pytest.mark.skipif(BACKEND == "sqlite", reason="a SQLite file has no server to drop")


def _app(app: Flask, idle_seconds: float) -> Flask:
    return create_app(
        TEST_CONFIG
        | {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "DATABASE_PING_AFTER_IDLE_SECONDS": idle_seconds,
        }
    )


def _backend_pid() -> int:
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool
    return pid


def _kill(app: Flask, pid: int) -> None:
    """End backend ``pid`` from a connection of its own, as a server restart would."""
    admin = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    admin.dispose()


def test_a_connection_killed_while_idle_is_replaced_before_use(app: Flask) -> None:
    other = _app(app, idle_seconds=0)
    with other.app_context():
        pid = _backend_pid()
        _kill(app, pid)
        assert _backend_pid() != pid  # no error: the ping found it dead
        db.engine.dispose()


def test_a_connection_back_from_a_request_a_moment_ago_is_not_pinged(app: Flask) -> None:
    other = _app(app, idle_seconds=3600)
    with other.app_context():
        pid = _backend_pid()
        _kill(app, pid)
        with pytest.raises(sa.exc.OperationalError):  # no ping: the request meets it
            _backend_pid()
        db.session.remove()
        assert _backend_pid() != pid  # and the pool recovers on the next checkout
        db.engine.dispose()
