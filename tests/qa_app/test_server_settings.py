"""Every PostgreSQL connection of the application runs with JIT off and the
reports' sort memory, set by the application for the whole session (not only
the transaction that set it)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from qa_app.extensions import db
from tests.qa_app.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND == "sqlite", reason="a PostgreSQL setting")

JIT = sa.text("SELECT setting, source FROM pg_settings WHERE name = 'jit'")
WORK_MEM = sa.text("SELECT current_setting('work_mem')")


def test_pooled_connections_have_jit_off_across_transactions(app):
    with app.app_context():
        db.engine.dispose()  # new connections, made with the application's settings
        assert tuple(db.session.execute(JIT).one()) == ("off", "session")
        db.session.rollback()
        assert tuple(db.session.execute(JIT).one()) == ("off", "session")
        db.session.remove()  # back to the pool and out again
        assert tuple(db.session.execute(JIT).one()) == ("off", "session")
        assert db.session.execute(WORK_MEM).scalar_one() == "64MB"


def test_other_clients_of_the_server_are_untouched(app):
    plain = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with plain.connect() as conn:
        assert conn.execute(JIT).one().source != "session"
    plain.dispose()
