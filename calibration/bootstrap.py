"""Bootstrap 95 % intervals of agreement statistics, resampling units.

A session's or a held-out period's units (interaction x question) are what
was sampled; the raters stay as they are. Each statistic is recomputed on a
units x values count table (what ``krippendorff`` and percent agreement read),
so a resample costs a row selection, not a new long table. Intervals are
percentile intervals from ``scipy.stats.bootstrap``; a resample where the
statistic is undefined is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats

from calibration._frame import clean_ratings, count_table, is_numeric, value_codes

RESAMPLES = 1000


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval (None bounds: not enough units)."""

    low: float | None
    high: float | None
    level: float
    resamples: int


def interval(
    table: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    level: float = 0.95,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Interval:
    """Percentile interval of ``statistic`` over resampled rows of ``table``.

    ``statistic(tables)`` takes a stack of resampled tables (resamples x units x
    values) and returns one value per table (NaN where undefined).
    """
    paired = table.sum(axis=1) >= 2
    if paired.sum() < 2 or table.shape[1] < 2:
        return Interval(None, None, level, resamples)

    def vectorized(units: np.ndarray, axis: int = -1) -> np.ndarray:
        picked = table[np.asarray(units, dtype=np.intp)]
        return statistic(picked if picked.ndim == 3 else picked[None])

    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.bootstrap((np.arange(len(table)),), vectorized, n_resamples=resamples,
                                 confidence_level=level, method="percentile",
                                 vectorized=True, rng=np.random.default_rng(seed))  # fmt: skip
    low, high = result.confidence_interval
    if not (np.isfinite(low) and np.isfinite(high)):
        return Interval(None, None, level, resamples)
    return Interval(float(low), float(min(high, 1.0)), level, resamples)


def percent_interval(ratings: pd.DataFrame, **options) -> Interval:
    """Interval of percent agreement (``calibration.percent_agreement``)."""
    table, _ = _table(ratings, None, ordered=False)

    def statistic(tables: np.ndarray) -> np.ndarray:
        m = tables.sum(axis=-1)
        pairs = m * (m - 1)
        shares = np.divide((tables * (tables - 1)).sum(axis=-1), pairs,
                           out=np.zeros_like(m, dtype=float), where=pairs > 0)  # fmt: skip
        return shares.sum(axis=-1) / (pairs > 0).sum(axis=-1)

    return interval(table.astype(float), statistic, **options)


def alpha_interval(ratings: pd.DataFrame, level: str = "nominal",
                   categories: Sequence[object] | None = None, **options) -> Interval:  # fmt: skip
    """Interval of Krippendorff's alpha (``calibration.krippendorff_alpha``)."""
    table, domain = _table(ratings, categories, ordered=level != "nominal")
    numeric = level in ("interval", "ratio")
    if numeric and not is_numeric(pd.Series(domain)):
        raise ValueError(f"{level} alpha needs numeric values")
    value_domain = np.asarray(domain, dtype=float) if numeric else np.arange(len(domain))

    def statistic(tables: np.ndarray) -> np.ndarray:
        out = np.full(len(tables), np.nan)
        for n, sample in enumerate(tables):
            sample = sample[sample.sum(axis=1) >= 2]
            if len(sample) and (sample.sum(axis=0) > 0).sum() >= 2:
                out[n] = krippendorff.alpha(value_counts=sample, value_domain=value_domain,
                                            level_of_measurement=level)  # fmt: skip
        return out

    return interval(table, statistic, **options)


def _table(ratings: pd.DataFrame, categories: Sequence[object] | None,
           ordered: bool) -> tuple[np.ndarray, list[object]]:  # fmt: skip
    frame = clean_ratings(ratings)
    codes, domain = value_codes(frame["value"], categories, ordered=ordered)
    table, _ = count_table(frame["unit"], codes, max(len(domain), 1))
    return table, domain
