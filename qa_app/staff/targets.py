"""Targets: set (a new row, audited) and read (the one in force for a period).

A target is never edited: a new one supersedes the previous from its
effective date, so the history says what was expected of whom, when.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy.orm import selectinload

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import TARGET_METRICS, MetricTarget, Team, User
from qa_app.staff.definitions import METRICS

log = logging.getLogger(__name__)


class TargetError(ValueError):
    """A target that cannot be set (unknown metric or team, impossible value)."""


_BOUNDS = {"rate": (0.0, 1.0), "csat": (1.0, 5.0), "points": (0.0, 100.0), "seconds": (0.0, 1e7)}


def set_target(
    actor: User,
    metric: str,
    value: float,
    effective_from: date,
    *,
    team_id: int | None = None,
    higher_is_better: bool | None = None,
) -> MetricTarget:
    """Add a target (a rate as a 0..1 fraction) and commit it with its audit event.

    ``higher_is_better`` defaults to the metric's own direction."""
    if metric not in TARGET_METRICS:
        raise TargetError(f"No target can be set for {metric!r}.")
    low, high = _BOUNDS[METRICS[metric].unit]
    if not low <= value <= high:
        raise TargetError(f"A {METRICS[metric].label} target must lie between {low} and {high}.")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise TargetError("That team does not exist.")
    direction = METRICS[metric].higher_is_better if higher_is_better is None else higher_is_better
    target = MetricTarget(
        metric=metric,
        team_id=team_id,
        effective_from=effective_from,
        value=float(value),
        higher_is_better=bool(direction),
        set_by_id=actor.id,
    )
    db.session.add(target)
    db.session.flush()
    audit.record(actor, "targets.set", "metric_target", target.id, None, _facts(target))
    db.session.commit()
    log.info("target %s set by user %s", target, actor.id)
    return target


def _facts(target: MetricTarget) -> dict[str, Any]:
    return {
        "metric": target.metric,
        "team_id": target.team_id,
        "effective_from": target.effective_from.isoformat(),
        "value": target.value,
        "higher_is_better": target.higher_is_better,
    }


def history() -> list[MetricTarget]:
    """Every target ever set, newest effective date first."""
    query = (
        db.select(MetricTarget)
        .options(selectinload(MetricTarget.set_by))
        .order_by(MetricTarget.effective_from.desc(), MetricTarget.id.desc())
    )
    return list(db.session.scalars(query))


def in_force(on: date, team_ids: Iterable[int | None] = ()) -> dict[tuple[str, int | None], Any]:
    """(metric, team id) -> the target in force on ``on`` for that team: the
    latest effective date on or before ``on``, a team's own target over the
    all-teams one (key (metric, None) holds the all-teams target)."""
    query = db.select(MetricTarget).where(MetricTarget.effective_from <= on)
    latest: dict[tuple[str, int | None], MetricTarget] = {}
    for row in db.session.scalars(query):
        key = (row.metric, row.team_id)
        best = latest.get(key)
        if best is None or (row.effective_from, row.id) > (best.effective_from, best.id):
            latest[key] = row
    found: dict[tuple[str, int | None], Any] = {}
    for metric in TARGET_METRICS:
        for team_id in {None, *team_ids}:
            target = latest.get((metric, team_id)) or latest.get((metric, None))
            if target is not None:
                found[(metric, team_id)] = target
    return found


def current(on: date, team_names: dict[int, str]) -> list[MetricTarget]:
    """The distinct targets in force on ``on`` (all-teams ones and teams' own),
    in metric order, all-teams first, then by team name."""
    found = {t.id: t for t in in_force(on, team_names).values()}.values()
    order = {m: i for i, m in enumerate(TARGET_METRICS)}
    return sorted(
        found,
        key=lambda t: (order[t.metric], t.team_id is not None, team_names.get(t.team_id, "")),
    )


def state(value: float | None, target: MetricTarget | None) -> str | None:
    """ "met" or "missed" against the target, None without one or without a value."""
    if value is None or target is None:
        return None
    met = value >= target.value if target.higher_is_better else value <= target.value
    return "met" if met else "missed"
