"""Running the reports' statements and shaping what comes back.

``analytic`` sets the session up for report queries, ``frame`` runs one into a
small pandas frame, ``as_text`` formats grouped periods. ``queries`` builds
the statements; this module only runs them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from qa_app import readonly
from qa_app.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def as_text(out: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The ``period_key`` columns of a result as 'YYYY-MM-DD' text (as ``period``)."""
    for column in columns:
        if column not in out or not len(out) or isinstance(out[column].iloc[0], str):
            continue
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            # Formatted by numpy in one pass: iterating a datetime column boxes
            # every value as a Timestamp (80 ms for the dashboard's 10,000
            # agent-weeks), however few distinct periods it holds.
            if values.dt.tz is not None:
                values = values.dt.tz_localize(None)  # the wall time, as strftime gave
            text = np.datetime_as_string(values.to_numpy(dtype="datetime64[D]"), unit="D")
            out[column] = [None if t == "NaT" else t for t in text.tolist()]
        else:  # datetime objects: format each distinct period once
            texts = {v: v.strftime("%Y-%m-%d") for v in set(values) if not pd.isna(v)}
            out[column] = [texts.get(v) for v in values]
    return out


# A SELECT (not a text statement): the session's listeners take a text
# statement for a possible write, and the navigation's unread count read with
# the signed-in user would then be forgotten and queried again.
SETTINGS = sa.select(sa.func.set_config("work_mem", "64MB", sa.true()))


def analytic() -> None:
    """PostgreSQL settings for the rest of the transaction, before a query that
    groups many rows: more sort memory, since grouping ~100,000 rows per agent
    and day otherwise spills to disk. Once per transaction (it lasts until its
    end). JIT is off for every connection (``qa_app.server_settings``).
    """
    if dialect() != "postgresql":
        return
    session = db.session()
    transaction = session.get_transaction()
    if transaction is not None and session.info.get("report_analytic") is transaction:
        return
    readonly.begin_transaction(session)  # a read-only page has none to set them in
    session.execute(SETTINGS)
    session.info["report_analytic"] = session.get_transaction()


def frame(query: Any, params: dict[str, Any] | None = None) -> pd.DataFrame:
    analytic()
    result = db.session.execute(query, params or {})
    keys = list(result.keys())
    rows = result.fetchall()
    # Column by column: pandas builds a frame from a list of Row objects one
    # row at a time (over a second for 60,000 rows), from columns at once.
    columns = dict(zip(keys, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
    return pd.DataFrame(columns, columns=keys)
