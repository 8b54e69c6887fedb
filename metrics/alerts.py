"""Trend alerts: a weekly count far above what its own past explains.

Each cell (e.g. topic x region x channel) is judged against its trailing
baseline of ``baseline_weeks`` weeks (at least 8). The count expected next is
not the baseline mean taken as exact: with a Poisson count and Jeffreys'
prior on its rate, the predictive distribution of the next week's count after
baseline counts summing to S over B weeks is negative binomial with
``n = S + 1/2`` and ``p = B / (B + 1)``, which widens for short or small
baselines. A cell whose baseline varies more than Poisson allows
(variance > mean) is judged by the wider of that and the moment-fitted
negative binomial. The upper-tail p-value P(X >= count) of every cell and week
scanned is then controlled for false discoveries across all of them
(Benjamini-Hochberg at ``fdr``), so scanning 3,000 cells does not raise alerts
by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

MIN_BASELINE_WEEKS = 8


@dataclass(frozen=True)
class Scan:
    """Every cell-week tested, with expected count, p-value and the alert mark."""

    tested: pd.DataFrame  # keys..., week, count, expected, p_value, q_value, alert
    baseline_weeks: int
    fdr: float

    @property
    def alerts(self) -> pd.DataFrame:
        return self.tested.loc[self.tested["alert"]].sort_values("p_value")


def weekly_counts(contacts: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Contacts per (keys..., week starting Monday, UTC) from a ``started_at``
    column; a missing key value is its own cell, "Unknown"."""
    started = pd.to_datetime(contacts["started_at"], utc=True)
    week = (started.dt.tz_localize(None).dt.normalize()
            - pd.to_timedelta(started.dt.day_of_week, unit="D"))  # fmt: skip
    frame = contacts[list(keys)].astype(object).fillna("Unknown").assign(week=week)
    return frame.groupby([*keys, "week"], dropna=False).size().rename("count").reset_index()


def scan(
    counts: pd.DataFrame,
    keys: Sequence[str],
    weeks: Sequence[pd.Timestamp],
    *,
    baseline_weeks: int = 12,
    fdr: float = 0.05,
) -> Scan:
    """Test each cell's count in each of ``weeks`` against its trailing baseline.

    ``counts``: keys..., week (Monday), count; a cell-week absent is zero. Only
    cells with a full baseline before a week are tested for it.
    """
    if baseline_weeks < MIN_BASELINE_WEEKS:
        raise ValueError(f"the baseline needs at least {MIN_BASELINE_WEEKS} weeks")
    if not 0 < fdr < 1:
        raise ValueError("fdr must be between 0 and 1")
    keys = list(keys)
    targets = sorted(pd.Timestamp(w) for w in weeks)
    columns = [*keys, "week", "count", "expected", "p_value", "q_value", "alert"]
    if counts.empty or not targets:
        return Scan(pd.DataFrame(columns=columns), baseline_weeks, fdr)
    first = min(targets) - pd.Timedelta(weeks=baseline_weeks)
    calendar = pd.date_range(first, max(targets), freq="7D")
    pivot = counts.pivot_table(index=keys, columns="week", values="count", aggfunc="sum")
    cells = pivot.index
    grid = pivot.reindex(columns=calendar, fill_value=0).fillna(0).to_numpy(dtype=float)
    rows = []
    for week in targets:
        at = calendar.get_loc(week)
        base = grid[:, at - baseline_weeks : at]
        observed = grid[:, at]
        rows.append(_test(cells, week, base, observed, keys))
    tested = pd.concat(rows, ignore_index=True)
    reject, q_values, _, _ = multipletests(tested["p_value"], alpha=fdr, method="fdr_bh")
    tested["q_value"] = q_values
    tested["alert"] = reject & (tested["count"] > tested["expected"])
    return Scan(tested[columns], baseline_weeks, fdr)


def _test(cells: pd.Index, week: pd.Timestamp, base: np.ndarray, observed: np.ndarray,
          keys: list[str]) -> pd.DataFrame:  # fmt: skip
    weeks = base.shape[1]
    total = base.sum(axis=1)
    mean = total / weeks
    # Poisson rate with Jeffreys' prior: the next count is NB(S + 1/2, B / (B + 1)).
    p_value = stats.nbinom.sf(observed - 1, total + 0.5, weeks / (weeks + 1))
    variance = base.var(axis=1, ddof=1)
    over = variance > mean
    if over.any():
        size = mean[over] ** 2 / (variance[over] - mean[over])
        wide = stats.nbinom.sf(observed[over] - 1, size, size / (size + mean[over]))
        p_value[over] = np.maximum(p_value[over], wide)
    frame = cells.to_frame(index=False) if len(keys) > 1 else pd.DataFrame({keys[0]: cells})
    return frame.assign(week=week, count=observed, expected=mean, p_value=p_value)
