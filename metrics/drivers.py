"""What drives the outcomes: how CSAT, escalation and repeat contact differ
when a scorecard question is failed rather than passed.

A hard topic can make both a failed question and a bad outcome more likely
without the one causing the other, so the difference is taken within strata
(channel x topic by default) and pooled with Mantel-Haenszel weights
n_failed * n_passed / n: a stratum counts by how well it compares the two
groups, not by its size alone. The pooled difference's variance is the
weighted sum of the strata's (Welch for means, binomial for rates), and its
95 % interval decides: an interval wider than ``max_width`` is "not enough
data"; an interval that includes zero is not ranked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Driver:
    question: str
    outcome: str
    difference: float | None  # mean outcome when failed minus when passed
    low: float | None
    high: float | None
    n_failed: int
    n_passed: int
    strata: int  # strata where both groups were present
    state: str  # "ranked", "no clear effect", "not enough data"


def drivers(
    frame: pd.DataFrame,
    questions: Sequence[str],
    outcomes: dict[str, float],
    *,
    strata: Sequence[str] = ("channel", "topic"),
) -> list[Driver]:
    """Every (question, outcome) pair, ranked ones first by the size of the effect.

    ``frame``: one row per evaluated contact; per question key a column with
    True (passed), False (failed) or null (N/A, not asked); per outcome a
    numeric column (CSAT points, 1/0 for escalated or repeated), null when
    unknown; the ``strata`` columns. ``outcomes`` maps each outcome column to
    the widest interval still worth reading (e.g. {"csat": 1.0, "escalated": 0.2}).
    """
    found = []
    for question in questions:
        for outcome, max_width in outcomes.items():
            found.append(_driver(frame, question, outcome, max_width, list(strata)))
    ranked = sorted((d for d in found if d.state == "ranked"),
                    key=lambda d: -abs(d.difference or 0))  # fmt: skip
    return ranked + [d for d in found if d.state != "ranked"]


def _driver(frame: pd.DataFrame, question: str, outcome: str, max_width: float,
            strata: list[str]) -> Driver:  # fmt: skip
    data = frame[[question, outcome, *strata]].dropna(subset=[question, outcome])
    data = data.assign(**{s: data[s].astype(object).fillna("Unknown") for s in strata})
    failed = ~data[question].astype(bool)
    n_failed, n_passed = int(failed.sum()), int((~failed).sum())
    weights, differences, variances = [], [], []
    groups = data.groupby(strata, sort=False) if strata else [((), data)]
    for _, part in groups:
        bad = part.loc[~part[question].astype(bool), outcome].astype(float)
        good = part.loc[part[question].astype(bool), outcome].astype(float)
        if len(bad) < 2 or len(good) < 2:
            continue
        weights.append(len(bad) * len(good) / (len(bad) + len(good)))
        differences.append(bad.mean() - good.mean())
        variances.append(bad.var(ddof=1) / len(bad) + good.var(ddof=1) / len(good))
    if not weights:
        return Driver(question, outcome, None, None, None, n_failed, n_passed, 0,
                      "not enough data")  # fmt: skip
    w = np.asarray(weights)
    difference = float(np.dot(w, differences) / w.sum())
    half = Z95 * math.sqrt(float(np.dot(w**2, variances)) / w.sum() ** 2)
    low, high = difference - half, difference + half
    if 2 * half > max_width or half == 0:
        state = "not enough data"
    elif low <= 0 <= high:
        state = "no clear effect"
    else:
        state = "ranked"
    return Driver(question, outcome, difference, low, high, n_failed, n_passed, len(w), state)
