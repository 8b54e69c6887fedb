"""The staff review: every agent's operational and quality figures for a period.

Three reads (the contacts, the counted evaluations, the disputes; each one
query over the period and the one before it), then pandas and the metrics
core. Plain data in, plain data out: no request objects here, so the page,
the export and ``flask metrics review`` share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

import metrics
from metrics import Figure
from qa_app.extensions import db
from qa_app.models import CHANNELS, Team, User
from qa_app.staff import queries
from qa_app.staff import targets as target_rules
from qa_app.staff.definitions import METRICS, settings, stated
from qa_app.staff.periods import Period

RATED = [k for k, m in METRICS.items() if m.higher_is_better is not None]
DIMENSIONS = ("team", "channel", "topic", "region")
SORTS = ("name", "team", *METRICS)


class ReviewError(ValueError):
    """A filter or sort the review cannot use; ``name`` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Filters:
    team_id: int | None = None
    channel: str | None = None
    topic: str | None = None
    region: str | None = None

    def check(self) -> None:
        if self.channel is not None and self.channel not in CHANNELS:
            message = f"Unknown channel {self.channel[:20]!r}; use call, chat or email."
            raise ReviewError("channel", message)
        for name in ("topic", "region"):
            value = getattr(self, name)
            if value is not None and len(value) > 120:
                raise ReviewError(name, f"The {name} is longer than 120 characters.")


@dataclass
class Cell:
    """One figure of one row, with everything the page says about it."""

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    enough: bool = True
    change: float | None = None
    target: float | None = None
    state: str | None = None  # "met" | "missed" | None
    rank: int | None = None
    outlier: str | None = None  # "above" | "below": the interval excludes the team's figure
    median: float | None = None  # handle time only: AHT is skewed by long contacts


@dataclass
class Review:
    period: Period
    previous: Period
    filters: Filters
    rows: list[dict[str, Any]]
    summaries: dict[str, list[dict[str, Any]]]
    definitions: dict[str, str]
    options: dict[str, list[Any]] = field(default_factory=dict)


def _filtered(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for column, value in (
        ("team_id", filters.team_id),
        ("channel", filters.channel),
        ("topic", filters.topic),
        ("region", filters.region),
    ):
        if value is not None:
            keep &= frame[column] == value
    return frame[keep]


def figures(
    contacts: pd.DataFrame, evaluations: pd.DataFrame, disputes: int, min_n: int
) -> dict[str, Figure]:
    """The review's figures for one group of contacts and evaluations."""
    volume = len(contacts)
    return {
        "volume": Figure(float(volume), None, None, volume, True),
        "aht": metrics.mean(contacts["handle"], min_n=min_n),
        "fcr": metrics.share(contacts["fcr"], min_n=min_n),
        "csat_mean": metrics.mean(contacts["csat"], min_n=min_n),
        "csat_top2": metrics.top_box(contacts["csat"], min_n=min_n),
        "escalation_rate": metrics.share(contacts["escalated"], min_n=min_n),
        "transfer_rate": metrics.share(contacts["transferred"], min_n=min_n),
        "qa_score": metrics.mean(evaluations["total"], min_n=min_n),
        "disputes": Figure(float(disputes), None, None, disputes, True),
    }


def review(
    period: Period,
    filters: Filters | None = None,
    *,
    sort: str = "name",
    config: dict[str, Any] | None = None,
    as_of: datetime | None = None,
) -> Review:
    """The staff review of ``period``, each figure with its change from the
    previous period, its state against the target in force, its rank in the
    team and whether it stands out from the team's figure."""
    filters = filters or Filters()
    filters.check()
    descending = sort.startswith("-")
    if sort.lstrip("-") not in SORTS:
        raise ReviewError("sort", f"Cannot sort by {sort[:30]!r}; use one of {', '.join(SORTS)}.")
    options = settings(config or {})
    min_n = options["min_n"]
    previous = period.previous()
    as_of = as_of or datetime.now(UTC)
    # The window after the period's last contacts, so their repeats are seen.
    window = timedelta(days=options["window_days"])
    contacts = queries.contacts(previous.start_at, period.end_at + window)
    contacts["fcr"] = metrics.first_contact_resolved(
        contacts, window_days=options["window_days"], same_topic=options["same_topic"], as_of=as_of
    )
    contacts["handle"] = metrics.handle_seconds(contacts)
    evaluations = queries.evaluations(previous.start_at, period.end_at)
    disputes = queries.disputes(previous.start_at, period.end_at)
    choices = _options(contacts)
    contacts = _filtered(contacts, filters)
    evaluations = _filtered(evaluations, filters)
    disputes = _filtered(disputes, filters)

    def split(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        now = (frame[column] >= period.start_at) & (frame[column] < period.end_at)
        before = (frame[column] >= previous.start_at) & (frame[column] < previous.end_at)
        return frame[now], frame[before]

    c_now, c_before = split(contacts, "started_at")
    e_now, e_before = split(evaluations, "submitted_at")
    d_now, d_before = split(disputes, "created_at")
    agents = _agents(c_now, e_now, d_now)
    in_force = target_rules.in_force(period.start, [_team_key(t) for t in agents["team_id"]])

    teams_now = _by(c_now, e_now, d_now, "team_id", min_n)
    agents_now = _by(c_now, e_now, d_now, "agent_id", min_n)
    agents_before = _by(c_before, e_before, d_before, "agent_id", min_n)
    team_figures = {team_id: teams_now(team_id) for team_id in agents["team_id"].unique()}
    rows = []
    for agent in agents.itertuples():
        now = agents_now(agent.agent_id)
        before = agents_before(agent.agent_id)
        team = team_figures[agent.team_id]
        median = now.pop("aht_median")
        cells = {}
        for key, figure in now.items():
            target = in_force.get((key, _team_key(agent.team_id)))
            cells[key] = Cell(
                figure.value,
                figure.low,
                figure.high,
                figure.n,
                figure.enough,
                change=metrics.change(figure, before[key]),
                target=target.value if target is not None else None,
                state=target_rules.state(figure.value, target) if figure.enough else None,
                outlier=_outlier(figure, team[key]) if key in RATED else None,
            )
        cells["aht"].median = median.value
        rows.append(
            {
                "agent_id": int(agent.agent_id),
                "name": agent.agent,
                "team_id": _team_key(agent.team_id),
                "team": agent.team,
                "cells": cells,
            }
        )
    _rank(rows)
    rows = _sorted(rows, sort.lstrip("-"), descending)
    summaries = _summaries(c_now, e_now, d_now, agents, in_force, min_n)
    return Review(
        period=period,
        previous=previous,
        filters=filters,
        rows=rows,
        summaries=summaries,
        definitions=stated(**options),
        options=choices,
    )


def _team_key(team_id: Any) -> int | None:
    return None if pd.isna(team_id) or not team_id else int(team_id)


def _median(values: pd.Series) -> float | None:
    known = values.dropna()
    return float(known.median()) if len(known) else None


def _by(contacts, evaluations, disputes, column, min_n):
    """``key -> figures`` of the rows whose ``column`` is ``key``: each frame
    split once (a groupby), not filtered once per key."""
    contact_groups = dict(tuple(contacts.groupby(column, sort=False)))
    evaluation_groups = dict(tuple(evaluations.groupby(column, sort=False)))
    dispute_counts = disputes[column].value_counts().to_dict()
    no_contacts, no_evaluations = contacts.iloc[0:0], evaluations.iloc[0:0]

    def of(key) -> dict[str, Figure]:
        group = contact_groups.get(key, no_contacts)
        found = figures(
            group,
            evaluation_groups.get(key, no_evaluations),
            int(dispute_counts.get(key, 0)),
            min_n,
        )
        found["aht_median"] = Figure(_median(group["handle"]), None, None, len(group), True)
        return found

    return of


def _outlier(figure: Figure, team: Figure) -> str | None:
    if not figure.excludes(team.value):
        return None
    return "above" if figure.low > team.value else "below"  # type: ignore[operator]


def _agents(contacts: pd.DataFrame, evaluations: pd.DataFrame, disputes: pd.DataFrame):
    """The agents with anything in the period, with their team's name."""
    seen = pd.concat(
        [
            contacts[["agent_id", "agent", "team_id"]],
            evaluations[["agent_id", "agent", "team_id"]],
        ]
    ).drop_duplicates("agent_id")
    missing = set(disputes["agent_id"]) - set(seen["agent_id"])
    if missing:
        extra = db.session.execute(
            db.select(User.id, User.name, User.team_id).where(User.id.in_(missing))
        ).all()
        seen = pd.concat([seen, pd.DataFrame(extra, columns=["agent_id", "agent", "team_id"])])
    names = dict(db.session.execute(db.select(Team.id, Team.name)).all())
    seen["team_id"] = seen["team_id"].fillna(0).astype(int)
    seen["team"] = [names.get(t) for t in seen["team_id"]]
    return seen.reset_index(drop=True)


def _rank(rows: list[dict[str, Any]]) -> None:
    """Rank within each team, per rated metric; figures from too few responses
    get no rank (``metrics.rank_within``)."""
    if not rows:
        return
    teams = pd.Series([row["team_id"] or 0 for row in rows])
    for key in RATED:
        values = pd.Series([row["cells"][key].value for row in rows], dtype="float")
        enough = pd.Series([row["cells"][key].enough for row in rows])
        higher = bool(METRICS[key].higher_is_better)
        for _team, index in teams.groupby(teams).groups.items():
            ranks = metrics.rank_within(values[index], enough[index], higher)
            for position, rank in ranks.items():
                rows[position]["cells"][key].rank = None if pd.isna(rank) else int(rank)


def _sorted(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    """Rows by ``key``; rows without a value always last, names breaking ties."""

    def value(row):
        return (row[key] or "").lower() if key in ("name", "team") else row["cells"][key].value

    known = [row for row in rows if value(row) not in (None, "")]
    unknown = [row for row in rows if value(row) in (None, "")]
    known.sort(key=lambda row: row["name"].lower())
    known.sort(key=value, reverse=descending)  # stable: names stay in order within a tie
    return known + sorted(unknown, key=lambda row: row["name"].lower())


def _summaries(contacts, evaluations, disputes, agents, in_force, min_n):
    """Team, channel, topic and region tables of the same figures."""
    names = dict(zip(agents["team_id"], agents["team"], strict=False))
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension in DIMENSIONS:
        column = "team_id" if dimension == "team" else dimension
        groups = pd.concat([contacts[column], evaluations[column]]).dropna().unique()
        figures_of = _by(contacts, evaluations, disputes, column, min_n)
        rows = []
        for value in groups:
            now = figures_of(value)
            median = now.pop("aht_median")
            team_key = _team_key(value) if dimension == "team" else None
            cells = {}
            for key, figure in now.items():
                target = in_force.get((key, team_key))
                state = target_rules.state(figure.value, target) if figure.enough else None
                cells[key] = Cell(
                    figure.value,
                    figure.low,
                    figure.high,
                    figure.n,
                    figure.enough,
                    target=target.value if target else None,
                    state=state,
                )
            cells["aht"].median = median.value
            name = names.get(value, "(no team)") if dimension == "team" else str(value)
            rows.append({"name": name, "cells": cells})
        rows.sort(key=lambda row: -row["cells"]["volume"].n)
        out[dimension] = rows
    return out


def _options(contacts: pd.DataFrame) -> dict[str, list[Any]]:
    """The filter choices: teams, and the topics and regions seen in the data."""
    teams = db.session.execute(db.select(Team.id, Team.name).order_by(Team.name)).all()
    return {
        "teams": [(t.id, t.name) for t in teams],
        "channels": list(CHANNELS),
        "topics": sorted(contacts["topic"].dropna().unique().tolist()),
        "regions": sorted(contacts["region"].dropna().unique().tolist()),
    }
