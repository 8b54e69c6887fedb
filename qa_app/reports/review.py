"""The periodic (monthly or any-period) metric review of a team, read like a report."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import CalibrationSession
from qa_app.reports import results, services
from qa_app.reports.queries import FAMILIES, Filters


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def previous(self) -> Period:
        if self.start.day == 1 and self.end == _month_end(self.start):
            prev_end = self.start - timedelta(days=1)
            start = prev_end.replace(day=1)
            return Period(start, prev_end, start.strftime("%B %Y"))
        length = (self.end - self.start).days + 1
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=length - 1)
        return Period(start, end, f"{start:%d %b %Y} - {end:%d %b %Y}")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(month: str | None, lo: date | None, hi: date | None, today: date) -> Period:
    """A YYYY-MM month, else from/to (either may be missing), else last month."""
    if month:
        start = date(int(month[:4]), int(month[5:7]), 1)
        return Period(start, _month_end(start), start.strftime("%B %Y"))
    if lo or hi:
        lo, hi = lo or hi, hi or lo
        lo, hi = min(lo, hi), max(lo, hi)
        return Period(lo, hi, f"{lo:%d %b %Y} - {hi:%d %b %Y}")
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(start, _month_end(start), start.strftime("%B %Y"))


# (label, key in the headline, format, higher is better)
HEADLINE = [
    ("Quality score", "mean", "points", True),
    ("Evaluations", "n", "count", None),
    ("Auto-fail rate", "auto_fail_rate", "rate", False),
    ("Below threshold", "below_share", "rate", False),
    *[(f"{f.capitalize()} accuracy", f"{f}_accuracy", "rate", True) for f in FAMILIES],
]


def _delta(now: float, before: float) -> float:
    if now is None or before is None or math.isnan(now) or math.isnan(before):
        return float("nan")
    return now - before


def build(team: int | None, period: Period) -> dict[str, Any]:
    filters = Filters(date_from=period.start, date_to=period.end, team=team)
    previous = period.previous()
    before_filters = filters.replace(date_from=previous.start, date_to=previous.end)
    now, before = services.summary(filters), services.headline(before_filters)
    headline = []
    for label, key, kind, better in HEADLINE:
        delta = _delta(float(now["head"][key]), float(before[key]))
        good = None if better is None or math.isnan(delta) or delta == 0 else (delta > 0) == better
        headline.append({"label": label, "key": key, "kind": kind, "now": now["head"][key],
                         "before": before[key], "delta": delta, "good": good})  # fmt: skip
    threshold = services.threshold_for(team)
    agents = now["agents"]
    attention = (
        agents.loc[(agents["mean"] < threshold) | (agents["slope"] < 0) | (agents["change"] < 0)]
        .sort_values("mean", na_position="first")
        .head(10)
    )
    reasons = [
        ", ".join(r for r, ok in (
            (f"below {threshold:g}", pd.notna(a.mean) and a.mean < threshold),
            ("falling trend", pd.notna(a.slope) and a.slope < 0),
            ("down on previous week", pd.notna(a.change) and a.change < 0),
        ) if ok)
        for a in attention.itertuples()
    ]  # fmt: skip
    return {
        "period": period,
        "previous": previous,
        "filters": filters,
        "threshold": threshold,
        "headline": headline,
        "questions": services.questions(filters).head(5),
        "attention": attention.assign(reasons=reasons),
        "reviewers": services.reviewers(filters),
        "sessions": calibration_results(period),
        "charts": now["charts"],
    }


def stored(
    team: int | None, period: Period, versions: list[tuple[int, Any]], *, refresh: bool = False
) -> results.Stored:
    """``build``'s report, stored as the dashboard's pages are (``services.page``)."""
    key = (team, period, *services.settings(), tuple(versions))
    compute = partial(build, team, period)
    return results.latest("review", key, compute, services.max_age(), refresh=refresh)


def calibration_results(period: Period) -> list[dict[str, Any]]:
    """Sessions revealed in the period, with their alpha and outliers as kept at reveal."""
    lo, hi = Filters(date_from=period.start, date_to=period.end).bounds()
    query = (
        sa.select(CalibrationSession)
        .where(CalibrationSession.revealed_at >= lo, CalibrationSession.revealed_at < hi)
        .order_by(CalibrationSession.revealed_at)
    )
    out = []
    for s in db.session.scalars(query):
        results = s.results or {}
        alpha = next(iter((results.get("alpha") or {}).values()), None) or {}
        reviewers = results.get("reviewers") or []
        out.append({
            "id": s.id,
            "title": s.title,
            "revealed_at": s.revealed_at,
            "alpha": alpha.get("value"),
            "alpha_reason": alpha.get("reason"),
            "reviewers": len(reviewers),
            "outliers": [r.get("name") for r in reviewers if r.get("outlier")],
        })  # fmt: skip
    return out
