"""Reviewer drift across calibration sessions.

A reviewer who was on the key in spring and is ten points harsh by autumn is
invisible in any single session; the per-rater series and its slope show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration._frame import require_columns

DRIFT_COLUMNS = ("session", "held_at", "rater", "mean_abs_deviation", "agreement")


@dataclass(frozen=True)
class Drift:
    """series: one row per rater and session, sorted by rater then held_at, with
    `session_number` (0 = the first session held by anyone).
    trend: per rater sessions, first/last deviation, deviation_slope and
    agreement_slope (change per session; NaN with fewer than two points) and
    drifting (deviation_slope above the threshold), steepest drift first.
    """

    series: pd.DataFrame
    trend: pd.DataFrame


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope; NaN when fewer than two distinct x (no trend to see)."""
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(np.unique(x)) < 2:
        return float("nan")
    dx = x - x.mean()
    return float((dx * (y - y.mean())).sum() / (dx**2).sum())


def drift(sessions: pd.DataFrame, slope_threshold: float = 1.0) -> Drift:
    """Per-rater time series and trend of deviation and agreement.

    sessions: columns session, held_at, rater, mean_abs_deviation (points from
    the key) and agreement (e.g. match rate), one row per rater and session.
    The slope is per session held (a skipped session counts as a step), so
    slope_threshold=1.0 flags a reviewer moving a point further away each time.
    """
    frame = require_columns(sessions, DRIFT_COLUMNS, "sessions").loc[:, list(DRIFT_COLUMNS)]
    frame = frame.assign(
        held_at=pd.to_datetime(frame["held_at"]),
        mean_abs_deviation=pd.to_numeric(frame["mean_abs_deviation"]).astype(float),
        agreement=pd.to_numeric(frame["agreement"]).astype(float),
    )
    order = frame[["session", "held_at"]].drop_duplicates("session").sort_values("held_at")
    number = pd.Series(np.arange(len(order)), index=order["session"].to_numpy())
    frame["session_number"] = frame["session"].map(number).astype(int)
    series = frame.sort_values(["rater", "held_at"], kind="stable").reset_index(drop=True)

    rows = []
    for rater, group in series.groupby("rater", sort=True):
        x = group["session_number"].to_numpy(dtype=float)
        dev = group["mean_abs_deviation"].to_numpy()
        rows.append(
            {
                "rater": rater,
                "sessions": len(group),
                "first_deviation": dev[0],
                "last_deviation": dev[-1],
                "deviation_slope": _slope(x, dev),
                "agreement_slope": _slope(x, group["agreement"].to_numpy()),
            }
        )
    columns = ["rater", "sessions", "first_deviation", "last_deviation"]
    trend = pd.DataFrame(rows, columns=[*columns, "deviation_slope", "agreement_slope"])
    trend["drifting"] = trend["deviation_slope"] > slope_threshold
    trend = trend.sort_values("deviation_slope", ascending=False, na_position="last")
    return Drift(series=series, trend=trend.set_index("rater"))
