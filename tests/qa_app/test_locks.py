"""Database locks: what serialises work across gunicorn workers and machines."""

import sqlalchemy as sa

from qa_app import locks
from qa_app.extensions import db


def _other_process_can_take(app, name: str) -> bool:
    """Whether a second connection (another worker) could take the lock now."""
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], connect_args=_no_wait(db.engine.dialect.name)
    )
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                import zlib

                namespace = zlib.crc32(name.encode()) - 2**31
                return conn.execute(
                    sa.text("SELECT pg_try_advisory_xact_lock(:n, 0)"), {"n": namespace}
                ).scalar_one()
            try:
                conn.execute(sa.text("DELETE FROM notifications WHERE 0 = 1"))
            except sa.exc.OperationalError as exc:
                assert "locked" in str(exc)
                return False
            conn.rollback()
            return True
    finally:
        engine.dispose()


def _no_wait(dialect: str) -> dict:
    return {"timeout": 0} if dialect == "sqlite" else {}


def test_a_held_lock_stops_another_connection_until_the_transaction_ends(app):
    assert _other_process_can_take(app, "feedback.remind")
    locks.hold("feedback.remind")
    assert not _other_process_can_take(app, "feedback.remind")
    db.session.commit()
    assert _other_process_can_take(app, "feedback.remind")
