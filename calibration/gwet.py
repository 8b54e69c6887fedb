"""Gwet's AC1 (nominal) and AC2 (weighted) agreement coefficients.

QA answers are mostly "yes": when nearly every rating falls in one category,
kappa and alpha expect so much chance agreement that they fall towards zero
even though raters almost always agree (the prevalence paradox). Gwet's
coefficients take chance agreement as the propensity to rate a hard unit at
random, which stays small in that case, so they are shown beside alpha.

Formulas of Gwet, *Handbook of Inter-Rater Reliability* (4th ed., 2014),
chapter 4, for any number of raters with missing ratings: with r_ik the raters
putting unit i in category k, r_i = sum_k r_ik, weights w_kl and
r*_ik = sum_l w_kl r_il,

    pa = mean over units with r_i >= 2 of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))
    pi_k = mean over all rated units of r_ik / r_i
    pe = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k),   T_w = sum of the weights
    AC = (pa - pe) / (1 - pe)

Intervals come from the bootstrap over units of ``calibration.bootstrap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from calibration._frame import clean_ratings, count_table, value_codes
from calibration.bootstrap import Interval, interval
from calibration.result import Stat, defined, undefined

Weights = Literal["linear", "quadratic"]
NO_PAIRS = "no unit was rated by two or more raters, so no ratings can be compared"
ONE_CATEGORY = "the scale has a single category, so there is nothing to agree on by chance"

# The prevalence paradox is named on a page when raters agree on at least this
# share of pairs, one answer makes up at least this share of ratings, and alpha
# (or kappa) is below the "tentative" reading while AC1 is not.
PARADOX_AGREEMENT = 0.8
PARADOX_PREVALENCE = 0.8


def gwet_ac1(ratings: pd.DataFrame, categories: Sequence[object] | None = None) -> Stat:
    """Gwet's AC1: nominal agreement, robust to one answer dominating.

    ``categories``: the full list of answers of the question (unused ones
    count in q, the number of categories); by default the values seen.
    """
    table, weights, n_raters = _table(ratings, categories, None)
    return _stat(table, weights, n_raters, "gwet_ac1", None)


def gwet_ac2(
    ratings: pd.DataFrame,
    weights: Weights = "linear",
    categories: Sequence[object] | None = None,
) -> Stat:
    """Gwet's AC2: AC1 with partial credit for near answers on a scale.

    Weights follow Gwet (and his irrCAC package): linear 1 - |k - l| / (max - min),
    quadratic 1 - (k - l)^2 / (max - min)^2, over the category values when they
    are numbers, over their positions in ``categories`` otherwise. Pass the
    question's full scale as ``categories``: an unused end point changes them.
    """
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'linear' or 'quadratic'; got {weights!r}")
    table, matrix, n_raters = _table(ratings, categories, weights)
    return _stat(table, matrix, n_raters, "gwet_ac2", f"{weights} weights")


def bootstrap_interval(
    ratings: pd.DataFrame,
    weights: Weights | None = None,
    categories: Sequence[object] | None = None,
    **options: Any,
) -> Interval:
    """Percentile bootstrap interval of AC1 (``weights`` None) or AC2 over units
    (``calibration.bootstrap.interval``; ``level``, ``resamples``, ``seed``)."""
    table, matrix, _ = _table(ratings, categories, weights)
    options.setdefault("resamples", 2000)
    return interval(table, lambda tables: _coefficients(tables, matrix), **options)


def prevalence_paradox(ratings: pd.DataFrame, alpha: Stat, ac1: Stat) -> str | None:
    """A sentence for the page when agreement is high but alpha is low only
    because nearly every answer is the same; None otherwise."""
    if not (alpha.defined and ac1.defined):
        return None
    frame = clean_ratings(ratings)
    codes, _ = value_codes(frame["value"], None, ordered=False)
    table, _ = count_table(frame["unit"], codes, max(int(codes.max(initial=0)) + 1, 1))
    paired = table[table.sum(axis=1) >= 2]
    if not len(paired):
        return None
    pairs = paired.sum(axis=1) * (paired.sum(axis=1) - 1)
    agreement = float(((paired * (paired - 1)).sum(axis=1) / pairs).mean())
    share = float(np.bincount(codes).max() / len(codes))
    if (
        agreement >= PARADOX_AGREEMENT
        and share >= PARADOX_PREVALENCE
        and alpha.value < 0.667 <= ac1.value  # type: ignore[operator]
    ):
        return (
            f"Raters agree on {agreement:.0%} of pairs, but {share:.0%} of answers are the "
            f"same one, so alpha expects most of that agreement by chance and reads low "
            f"({alpha.value:.2f}); Gwet's AC1 ({ac1.value:.2f}) does not."
        )
    return None


def _table(
    ratings: pd.DataFrame, categories: Sequence[object] | None, weights: Weights | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Units x categories counts (units with at least one rating), the weight
    matrix, and the number of raters."""
    frame = clean_ratings(ratings)
    codes, domain = value_codes(frame["value"], categories, ordered=weights is not None)
    table, _ = count_table(frame["unit"], codes, max(len(domain), 1))
    return table.astype(float), _weights(domain, weights), int(frame["rater"].nunique())


def _weights(domain: list[object], weights: Weights | None) -> np.ndarray:
    q = max(len(domain), 1)
    if weights is None or q < 2:
        return np.eye(q)
    try:
        values = np.asarray(domain, dtype=float)
    except (TypeError, ValueError):
        values = np.arange(q, dtype=float)
    span = values.max() - values.min()
    distance = np.abs(values[:, None] - values[None, :]) / span
    return 1 - (distance if weights == "linear" else distance**2)


def _coefficient(table: np.ndarray, weights: np.ndarray) -> tuple[float | None, str | None]:
    q = table.shape[1]
    r = table.sum(axis=1)
    paired = r >= 2
    if not paired.any():
        return None, NO_PAIRS
    if q < 2:
        return None, ONE_CATEGORY
    weighted = table @ weights.T
    pa = float(((table * (weighted - 1)).sum(axis=1)[paired] / (r * (r - 1))[paired]).mean())
    pi = (table / r[:, None]).mean(axis=0)
    pe = float(weights.sum() / (q * (q - 1)) * (pi * (1 - pi)).sum())
    return (pa - pe) / (1 - pe), None


def _coefficients(tables: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``_coefficient`` of each units x categories table in a stack of them (NaN
    where undefined): the bootstrap's resamples in one pass."""
    q = tables.shape[-1]
    r = tables.sum(axis=-1)
    paired = r >= 2
    weighted = tables @ weights.T
    agreeing = (tables * (weighted - 1)).sum(axis=-1)
    shares = np.divide(agreeing, r * (r - 1), out=np.zeros_like(r), where=paired)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = shares.sum(axis=-1) / paired.sum(axis=-1)
        pi = np.divide(tables, r[..., None], out=np.zeros_like(tables), where=r[..., None] > 0)
        pi = pi.sum(axis=-2) / (r > 0).sum(axis=-1)[..., None]
        pe = weights.sum() / (q * (q - 1)) * (pi * (1 - pi)).sum(axis=-1)
        return (pa - pe) / (1 - pe)


def _stat(
    table: np.ndarray, weights: np.ndarray, n_raters: int, name: str, detail: str | None
) -> Stat:
    n_units = int((table.sum(axis=1) >= 2).sum())
    value, reason = _coefficient(table, weights)
    if value is None:
        return undefined(reason or NO_PAIRS, n_units=n_units, n_raters=n_raters, name=name,
                         detail=detail)  # fmt: skip
    return defined(value, n_units=n_units, n_raters=n_raters, name=name, detail=detail)
