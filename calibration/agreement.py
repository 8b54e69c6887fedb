"""Percent agreement and Krippendorff's alpha over a long table of ratings.

Input: `ratings` with columns unit, rater, value (one row per rating; a missing
rating is an absent row or a null value). N/A answers are the caller's choice:
drop those rows to treat N/A as missing, or keep "na" as a category of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import krippendorff
import numpy as np
import pandas as pd

from calibration._frame import clean_ratings, count_table, is_numeric, value_codes
from calibration.result import Stat, defined, undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS = ("nominal", "ordinal", "interval", "ratio")

# The library builds a units x values x values array; above this many cells we
# compute the same coincidence matrix by a matrix product instead (see _alpha_large).
MAX_LIBRARY_CELLS = 4_000_000

NO_PAIRS = "no unit was rated by two or more raters, so no ratings can be compared"
NO_VARIATION = "every rating is the same value, so expected disagreement is zero"


def pair_agreement(table: np.ndarray) -> np.ndarray:
    """Per unit share of agreeing rater pairs from a units x values count table.

    Units with fewer than two ratings get NaN: they have no pair.
    """
    m = table.sum(axis=1).astype(float)
    pairs = m * (m - 1)
    agreeing = (table * (table - 1)).sum(axis=1).astype(float)
    out = np.full(len(m), np.nan)
    np.divide(agreeing, pairs, out=out, where=pairs > 0)
    return out


def percent_agreement(ratings: pd.DataFrame) -> Stat:
    """Mean over units (with >= 2 ratings) of the share of rater pairs that agree.

    Easy to explain on a page, but it ignores chance agreement: two raters who
    answer "yes" 95 % of the time agree often by luck. Show it beside alpha.
    """
    frame = clean_ratings(ratings)
    name = "percent_agreement"
    codes, domain = value_codes(frame["value"], None, ordered=False)
    table, _ = count_table(frame["unit"], codes, max(len(domain), 1))
    paired = table.sum(axis=1) >= 2
    n_raters = int(frame.loc[frame["unit"].isin(_units_with_pairs(frame)), "rater"].nunique())
    if not paired.any():
        return undefined(NO_PAIRS, n_units=0, n_raters=n_raters, name=name, detail=None)
    shares = pair_agreement(table[paired])
    return defined(
        float(shares.mean()),
        n_units=int(paired.sum()),
        n_raters=n_raters,
        name=name,
        detail=None,
    )


def _units_with_pairs(frame: pd.DataFrame) -> pd.Index:
    counts = frame["unit"].value_counts()
    return counts.index[counts >= 2]


def krippendorff_alpha(
    ratings: pd.DataFrame,
    level: Level = "nominal",
    categories: Sequence[object] | None = None,
) -> Stat:
    """Krippendorff's alpha at a level of measurement, allowing missing ratings.

    level: "nominal" (yes/no, choices; strings are fine), "ordinal" (scales;
    numbers, or any values with an ordered `categories` list), "interval" and
    "ratio" (numbers only). Units with fewer than two ratings cannot be paired
    and do not count. Undefined (value None, with a reason) when no unit has two
    ratings or when all pairable ratings are one value.

    Computed by the `krippendorff` library on a units x values count table built
    here, so memory grows with the distinct values actually used, not with
    raters or the value range; very large tables take an equivalent path.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    frame = clean_ratings(ratings)
    name = "krippendorff_alpha"
    if level in ("interval", "ratio"):
        if categories is not None:
            raise ValueError(f"{level} alpha uses the numbers themselves; do not pass categories")
        if not is_numeric(frame["value"]):
            raise ValueError(f"{level} alpha needs numeric values")
    try:
        codes, domain = value_codes(frame["value"], categories, ordered=level != "nominal")
    except ValueError as exc:
        raise ValueError(f"{level} alpha: {exc}") from exc

    table, _ = count_table(frame["unit"], codes, max(len(domain), 1))
    paired = table.sum(axis=1) >= 2
    table = table[paired]
    n_units = int(table.shape[0])
    n_raters = int(frame.loc[frame["unit"].isin(_units_with_pairs(frame)), "rater"].nunique())
    if n_units == 0:
        return undefined(NO_PAIRS, n_units=0, n_raters=n_raters, name=name, detail=level)

    used = table.sum(axis=0) > 0
    if used.sum() < 2:
        return undefined(NO_VARIATION, n_units=n_units, n_raters=n_raters, name=name, detail=level)
    # Drop unused values: they change nothing (their pairable count is zero) but
    # cost memory. Nominal and ordinal work on codes; interval/ratio on the numbers.
    table = table[:, used]
    if level in ("interval", "ratio"):
        value_domain = np.asarray(domain, dtype=float)[used]
    else:
        value_domain = np.arange(table.shape[1])

    with np.errstate(divide="ignore", invalid="ignore"):
        if table.shape[0] * table.shape[1] ** 2 <= MAX_LIBRARY_CELLS:
            value = float(
                krippendorff.alpha(
                    value_counts=table, value_domain=value_domain, level_of_measurement=level
                )
            )
        else:
            value = _alpha_large(table, value_domain, level)
    return defined(value, n_units=n_units, n_raters=n_raters, name=name, detail=level)


def _alpha_large(table: np.ndarray, domain: np.ndarray, level: str) -> float:
    """Alpha for many units x many values, in values x values memory.

    Same formulas as the library (Krippendorff 2011): the coincidence matrix is
    sum_u (n_u n_u' - diag n_u) / (m_u - 1), written here as one matrix product.
    Tested equal to the library on data both can handle.
    """
    counts = table.astype(float)
    weights = 1.0 / (counts.sum(axis=1) - 1.0)
    o = (counts * weights[:, None]).T @ counts - np.diag((counts * weights[:, None]).sum(axis=0))
    n_v = o.sum(axis=0)
    e = (np.outer(n_v, n_v) - np.diag(n_v)) / (n_v.sum() - 1.0)
    d = _distances(domain, n_v, level)
    return float(1.0 - (o * d).sum() / (e * d).sum())


def _distances(domain: np.ndarray, n_v: np.ndarray, level: str) -> np.ndarray:
    a, b = domain[:, None].astype(float), domain[None, :].astype(float)
    if level == "nominal":
        return (a != b).astype(float)
    if level == "interval":
        return (a - b) ** 2
    if level == "ratio":
        total = a + b
        return np.divide(a - b, total, out=np.zeros_like(total), where=total != 0) ** 2
    cumulative = np.concatenate([[0.0], np.cumsum(n_v)])
    idx = np.arange(len(domain))
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    between = cumulative[hi + 1] - cumulative[lo]
    return (between - (n_v[lo] + n_v[hi]) / 2.0) ** 2
