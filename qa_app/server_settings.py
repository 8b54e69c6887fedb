"""Settings every PostgreSQL connection of the application starts with.

JIT compilation is off. PostgreSQL compiles a query when the planner's cost
estimate passes ``jit_above_cost``, and the reports' queries over millions of
answers pass it although they run in milliseconds from covering indexes: the
compilation (~25-100 ms) then costs more than the query. The application's
other queries are short and never gain from it. Set once per new connection
(a round trip per connection, not per request), so report pages no longer
send it in every transaction.

Sort and hash memory (``work_mem``) is 64 MB instead of PostgreSQL's 4 MB: the
reports group ~100,000 rows per agent and day, which otherwise spill to disk.
It is a ceiling per sort or hash step, used only by a statement that needs it;
the application's other statements sort a few rows and never reach 4 MB.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from qa_app.extensions import db

STATEMENT = "SET jit = off; SET work_mem = '64MB'"


def install(app: Flask) -> None:
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _apply)


def _apply(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(STATEMENT)
    finally:
        cursor.close()
    dbapi_connection.commit()  # a SET inside a transaction that rolls back is undone
