"""Period figures with their counts and 95 % intervals.

Every figure carries its count and interval so a page can grey one from too
few responses instead of ranking it (``MIN_RESPONSES``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

MIN_RESPONSES = 10
LEVEL = 0.95


@dataclass(frozen=True)
class Figure:
    """A period figure: value, 95 % interval, count, and whether it is enough
    to rank (n >= the minimum). Undefined (no data): value None."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    enough: bool

    def excludes(self, other: float | None) -> bool:
        """The interval lies wholly above or below ``other``: a difference
        beyond what chance explains at this level."""
        if other is None or self.low is None or self.high is None:
            return False
        return other < self.low or other > self.high


def share(flags: pd.Series, *, min_n: int = MIN_RESPONSES) -> Figure:
    """A rate (escalation, transfer, FCR, top-2-box) with Wilson's interval;
    unknown values (<NA>) are left out of the count."""
    known = flags.dropna().astype(bool)
    n = len(known)
    if n == 0:
        return Figure(None, None, None, 0, False)
    hits = int(known.sum())
    low, high = proportion_confint(hits, n, alpha=1 - LEVEL, method="wilson")
    return Figure(hits / n, float(low), float(high), n, n >= min_n)


def mean(values: pd.Series, *, min_n: int = MIN_RESPONSES) -> Figure:
    """A mean (CSAT, handle time, QA score) with Student's t interval."""
    known = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    n = len(known)
    if n == 0:
        return Figure(None, None, None, 0, False)
    value = float(known.mean())
    if n < 2:
        return Figure(value, None, None, n, n >= min_n)
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * known.std(ddof=1) / math.sqrt(n))
    return Figure(value, value - half, value + half, n, n >= min_n)


def top_box(scores: pd.Series, scale: tuple[int, int] = (1, 5), *, boxes: int = 2,
            min_n: int = MIN_RESPONSES) -> Figure:  # fmt: skip
    """Share of responses in the top ``boxes`` points of the scale (CSAT 4-5 of 1-5)."""
    known = pd.to_numeric(scores, errors="coerce").dropna()
    low, high = scale
    if not known.between(low, high).all():
        raise ValueError(f"scores outside the scale {low}-{high}")
    return share(known >= high - boxes + 1, min_n=min_n)


def change(now: Figure, before: Figure) -> float | None:
    """Now minus before, when both are defined."""
    if now.value is None or before.value is None:
        return None
    return now.value - before.value


def rank_within(values: pd.Series, enough: pd.Series, higher_is_better: bool) -> pd.Series:
    """1 = best; figures from too few responses get no rank (<NA>)."""
    eligible = values.where(enough.astype(bool)).astype(float)
    ranks = eligible.rank(ascending=not higher_is_better, method="min")
    return ranks.astype("Int64").where(~np.isnan(ranks), pd.NA)
