"""Reviewer trends across revealed sessions, from the statistics each session
stored at its reveal, with the pure ``calibration.drift`` flagging drift."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

import calibration
from qa_app.calibration.results import num
from qa_app.extensions import db
from qa_app.models import CalibrationSession, User


@dataclass(frozen=True)
class Trends:
    sessions: list[CalibrationSession]
    reviewers: list[dict[str, Any]]  # one per reviewer: slopes, drifting, names
    chart: dict[str, Any]  # labels + per-reviewer series, for static/js/calibration.js
    threshold: float


def _revealed() -> list[CalibrationSession]:
    query = (
        db.select(CalibrationSession)
        .where(
            CalibrationSession.status.in_(("revealed", "closed")),
            CalibrationSession.revealed_at.is_not(None),
        )
        .order_by(CalibrationSession.revealed_at, CalibrationSession.id)
    )
    return [s for s in db.session.scalars(query) if s.results]


def frame(sessions: list[CalibrationSession]) -> pd.DataFrame:
    """The drift input: session, held_at, rater, mean_abs_deviation, agreement."""
    rows = []
    for s in sessions:
        for r in s.results.get("reviewers", []):
            if r.get("mean_abs") is None and r.get("match_rate") is None:
                continue  # submitted nothing comparable in that session
            rows.append(
                {
                    "session": s.id,
                    "held_at": s.revealed_at,
                    "rater": r["reviewer_id"],
                    "mean_abs_deviation": r.get("mean_abs"),
                    "agreement": r.get("match_rate"),
                }
            )
    columns = ["session", "held_at", "rater", "mean_abs_deviation", "agreement"]
    return pd.DataFrame(rows, columns=columns)


def compute(slope_threshold: float = 1.0) -> Trends:
    sessions = _revealed()
    data = frame(sessions)
    labels = [f"{s.title} ({s.revealed_at:%d %b %Y})" for s in sessions]
    if data.empty:
        return Trends(sessions, [], {"labels": labels, "deviation": [], "agreement": []}, 0.0)
    result = calibration.drift(data, slope_threshold=slope_threshold)
    ids = [int(i) for i in result.trend.index]
    names = {u.id: u.name for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}
    position = {s.id: n for n, s in enumerate(sessions)}
    deviation, agreement = [], []
    for rater, group in result.series.groupby("rater", sort=True):
        dev: list[float | None] = [None] * len(sessions)
        agr: list[float | None] = [None] * len(sessions)
        for row in group.itertuples(index=False):
            dev[position[row.session]] = num(row.mean_abs_deviation)
            share = num(row.agreement)
            agr[position[row.session]] = None if share is None else round(share * 100, 1)
        label = names.get(int(rater), f"#{rater}")
        deviation.append({"label": label, "data": dev})
        agreement.append({"label": label, "data": agr})
    reviewers = [
        {
            "reviewer_id": int(rater),
            "name": names.get(int(rater), f"#{rater}"),
            "sessions": int(row["sessions"]),
            "first_deviation": num(row["first_deviation"]),
            "last_deviation": num(row["last_deviation"]),
            "deviation_slope": num(row["deviation_slope"]),
            "agreement_slope": num(row["agreement_slope"]),
            "drifting": bool(row["drifting"]),
        }
        for rater, row in result.trend.iterrows()
    ]
    chart = {"labels": labels, "deviation": deviation, "agreement": agreement}
    return Trends(sessions, reviewers, chart, slope_threshold)
