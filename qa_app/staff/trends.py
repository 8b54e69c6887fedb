"""One agent's figures month by month: the drill-down from the staff review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

import metrics
from qa_app.models import User
from qa_app.staff import queries
from qa_app.staff.definitions import METRICS, settings, stated
from qa_app.staff.periods import Period
from qa_app.staff.services import Cell, figures


@dataclass
class Trend:
    agent: User
    months: list[Period]
    series: dict[str, list[Cell]]  # metric -> one figure per month
    definitions: dict[str, str]


def agent_trend(
    agent: User,
    last: Period,
    *,
    months: int = 12,
    config: dict[str, Any] | None = None,
    as_of: datetime | None = None,
) -> Trend:
    """One agent's figures month by month, the ``months`` months up to the end of ``last``."""
    options = settings(config or {})
    month = Period(last.end, last.end, 1).previous()
    spans = [month]
    for _ in range(months - 1):
        spans.insert(0, spans[0].previous())
    since, until = spans[0].start_at, spans[-1].end_at
    window = timedelta(days=options["window_days"])
    contacts = queries.contacts(since, until + window, agent.id)
    contacts["fcr"] = metrics.first_contact_resolved(
        contacts,
        window_days=options["window_days"],
        same_topic=options["same_topic"],
        as_of=as_of or datetime.now(UTC),
    )
    contacts["handle"] = metrics.handle_seconds(contacts)
    contacts = contacts[contacts["agent_id"] == agent.id]
    evaluations = queries.evaluations(since, until, agent.id)
    disputes = queries.disputes(since, until, agent.id)
    series: dict[str, list[Cell]] = {key: [] for key in METRICS}
    for span in spans:

        def inside(frame: pd.DataFrame, column: str, span: Period = span) -> pd.DataFrame:
            return frame[(frame[column] >= span.start_at) & (frame[column] < span.end_at)]

        now = figures(
            inside(contacts, "started_at"),
            inside(evaluations, "submitted_at"),
            len(inside(disputes, "created_at")),
            options["min_n"],
        )
        for key, figure in now.items():
            series[key].append(Cell(figure.value, figure.low, figure.high, figure.n, figure.enough))
    return Trend(agent, spans, series, stated(**options))
