"""The periodic review's evaluation figures from one scan (PostgreSQL).

The review needs, over the counted evaluations: the period's quality cube
(week, month, team, agent), the previous period's headline totals, and the
period's reviewer load and comparable cells. Run separately these are three
index scans of the evaluations joined to their interactions, two of them over
the same rows. Here one statement reads both periods once into a CTE and
aggregates it three ways; the rows come back as one UNION ALL, each part
padded to a shared column list and split again here.

SQLite has no ``GROUPING SETS`` or ``percentile_cont``: the review runs the
plain queries there (``scan`` returns None), with the same figures
(``tests/qa_app/reports/test_page_paths.py`` compares both on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TIMESTAMP
from sqlalchemy.types import NullType

from qa_app.extensions import db
from qa_app.reports import reviewer_scan
from qa_app.reports.activity import OVERTURNED
from qa_app.reports.queries import (
    DISPUTES,
    EVALS,
    INTERACTIONS,
    Filters,
    _count_if,
    analytic,
    counted,
    cube_columns,
    dialect,
    reviewers_own,
    threshold_expr,
)


@dataclass(frozen=True)
class Scan:
    cube: pd.DataFrame  # the period's cube, as ``queries.evaluation_cube``
    previous: pd.DataFrame  # the previous period's totals: one row
    reviewers: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]  # load, cells, disputes


def scan(now: Filters, before: Filters, thresholds: tuple[float, dict[int, float]]) -> Scan | None:
    """The figures of ``now`` and ``before`` (the period just before it, same
    other filters), or None where one statement cannot give them."""
    undated = {"date_from": None, "date_to": None}
    contiguous = (
        before.date_to is not None
        and now.date_from is not None
        and before.date_to + timedelta(days=1) == now.date_from
        and before.replace(**undated) == now.replace(**undated)
    )
    if dialect() != "postgresql" or not contiguous:
        return None
    statement, layout = query(now, before, thresholds)
    analytic()
    # The cube's sums as floats (0 for NULL) here, as ``figures.prepare`` would
    # convert them column by column.
    sums = set(layout["previous"])
    # Periods formatted as text per distinct value here, as ``as_text`` would.
    floats = {"cube": sums, "previous": sums}
    texts = {"cube": {"week", "month"}, "reviewers": {"week"}}
    parts = split(db.session.execute(statement).all(), layout, floats, texts)
    for name in ("cube", "previous"):  # as figures.prepare leaves them: no NULL, all floats
        parts[name].attrs["prepared"] = True
    load, cells = reviewer_scan.split(parts["reviewers"])
    return Scan(
        cube=parts["cube"],
        previous=parts["previous"],
        reviewers=(load, cells, parts["disputes"]),
    )


def query(
    now: Filters, before: Filters, thresholds: tuple[float, dict[int, float]]
) -> tuple[sa.CompoundSelect, dict[str, list[str]]]:
    """The statement and, per part, the columns it fills (in order)."""
    source, conds = counted(now.replace(date_from=before.date_from))
    start, _ = now.bounds()
    scope = (
        sa.select(
            EVALS.c.submitted_at,
            EVALS.c.agent_id,
            EVALS.c.reviewer_id,
            EVALS.c.total,
            EVALS.c.auto_failed,
            EVALS.c.scorecard_version_id,
            EVALS.c.critical_families,
            EVALS.c.time_spent_seconds,
            INTERACTIONS.c.team_id,
            INTERACTIONS.c.channel,
            EVALS.c.id.label("evaluation_id"),
            EVALS.c.kind,
            (EVALS.c.submitted_at >= start).label("current"),
        )
        .select_from(source)
        .where(*conds)
        .cte("scope")
        .prefix_with("MATERIALIZED")
    )
    c = scope.c
    keys, sums = cube_columns(c, c.team_id, threshold_expr(*thresholds, team=c.team_id))
    columns, sets = reviewer_scan.aggregate(c, c)
    parts = {
        "cube": sa.select(*keys, *sums).where(c.current).group_by(*keys),
        "previous": sa.select(*sums).where(sa.not_(c.current)),
        "reviewers": sa.select(*columns).where(c.current, reviewers_own(c)).group_by(sets),
        "disputes": disputes(c, scope),
    }
    # date_trunc and grouping() have no known SQL type in SQLAlchemy.
    return union(parts, {"week": TIMESTAMP(), "month": TIMESTAMP(), "level": sa.Integer()})


def disputes(c: Any, scope: Any) -> sa.Select:
    """Per reviewer of the period: as ``activity.dispute_counts``, on the scan."""
    return (
        sa.select(
            c.reviewer_id,
            sa.func.count(sa.distinct(c.evaluation_id)).label("disputed"),
            _count_if(DISPUTES.c.status == "resolved").label("resolved"),
            _count_if(DISPUTES.c.outcome.in_(OVERTURNED)).label("overturned"),
        )
        .select_from(scope.join(DISPUTES, DISPUTES.c.evaluation_id == c.evaluation_id))
        .where(c.current, reviewers_own(c), DISPUTES.c.status != "withdrawn")
        .group_by(c.reviewer_id)
    )


def union(
    parts: dict[str, sa.Select], hints: dict[str, Any] | None = None
) -> tuple[sa.CompoundSelect, dict[str, list[str]]]:
    """One UNION ALL of ``parts``: a ``part`` number, then every column name
    any part has, a typed NULL where a part has none (PostgreSQL resolves a
    union's types branch by branch: two untyped NULLs would make text). The
    type is the column's where known, else ``hints[name]``."""
    layout = {name: [col.name for col in part.selected_columns] for name, part in parts.items()}
    types: dict[str, Any] = dict(hints or {})
    for part in parts.values():
        for col in part.selected_columns:
            if not isinstance(col.type, NullType):
                types.setdefault(col.name, col.type)
    names = list(dict.fromkeys(n for columns in layout.values() for n in columns))
    selects = []
    for number, part in enumerate(parts.values()):
        own = {col.name: col for col in part.selected_columns}
        padded = [own[n] if n in own else sa.cast(sa.null(), types[n]).label(n) for n in names]
        selects.append(part.with_only_columns(sa.literal(number).label("part"), *padded))
    return sa.union_all(*selects), layout


def split(
    rows: list[Any],
    layout: dict[str, list[str]],
    floats: dict[str, set[str]] | None = None,
    texts: dict[str, set[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """The union's rows as one frame per part, with only that part's columns
    (so their types are those of the part's own query). Per part, ``floats``:
    columns read as floats, NULL as 0; ``texts``: timestamps as 'YYYY-MM-DD'."""
    names = list(dict.fromkeys(n for columns in layout.values() for n in columns))
    position = {n: i + 1 for i, n in enumerate(names)}
    formatted: dict[Any, str | None] = {None: None}
    out = {}
    for number, (name, columns) in enumerate(layout.items()):
        mine = [row for row in rows if row[0] == number]
        data: dict[str, Any] = {}
        for n in columns:
            values = [row[position[n]] for row in mine]
            if n in (floats or {}).get(name, ()):
                values = np.array([0.0 if v is None else float(v) for v in values], dtype=float)
            elif n in (texts or {}).get(name, ()):
                for v in set(values) - formatted.keys():
                    formatted[v] = v.strftime("%Y-%m-%d")
                values = [formatted[v] for v in values]
            data[n] = values
        out[name] = pd.DataFrame(data, columns=columns)
    return out
