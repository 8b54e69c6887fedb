"""Running the reports' statements, shaping what comes back, and storing a
page's figures for a stated time.

``frame`` runs a statement into a small pandas frame, ``as_text`` formats
grouped periods, ``latest`` keeps a page's result. ``queries`` builds the
statements; this module only runs them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from qa_app.extensions import cache, db
from qa_app.models import utcnow

T = TypeVar("T")


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


def frame(query: Any, params: dict[str, Any] | None = None) -> pd.DataFrame:
    result = db.session.execute(query, params or {})
    keys = list(result.keys())
    rows = result.fetchall()
    # Column by column: pandas builds a frame from a list of Row objects one
    # row at a time (over a second for 60,000 rows), from columns at once.
    columns = dict(zip(keys, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
    return pd.DataFrame(columns, columns=keys)


@dataclass(frozen=True)
class Stored(Generic[T]):
    """A page's figures and how fresh they are: computed at ``at`` (UTC) and
    shown for at most ``max_age`` seconds after (0: computed for this page)."""

    value: T
    at: datetime
    max_age: int


def latest(
    name: str, key: tuple, compute: Callable[[], T], max_age: int, *, refresh: bool = False
) -> Stored[T]:
    """``compute()``'s result, stored under ``name`` and ``key`` for at most
    ``max_age`` seconds, as redash's ``QueryResult.get_latest(..., max_age)``: a
    stored result younger than that is given back, else (or with ``refresh``) it
    is computed now and stored; 0 computes it every time. ``key`` names all that
    ``compute`` depends on besides the data (filters, settings) and nothing of
    the person asking, so everyone sees the same figures."""
    now = utcnow()
    if max_age <= 0:
        return Stored(compute(), now, 0)
    cache_key = f"report:{name}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
    if not refresh:
        found = cache.get(cache_key)
        # The age is checked here too: the backend expires entries on its own
        # clock, and the setting may have been lowered since this one was stored.
        if isinstance(found, Stored) and now - found.at < timedelta(seconds=max_age):
            return found
    stored = Stored(compute(), now, max_age)
    cache.set(cache_key, stored, timeout=max_age)
    return stored
