"""Fleiss' kappa (many raters, complete data) and Cohen's kappa (one pair).

Both take the long ratings table (unit, rater, value). The count tables are
built here from non-null values: statsmodels' `aggregate_raters` would count
NaN as a category of its own, which silently inflates agreement on units where
several raters skipped the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as _sm_fleiss_kappa

from calibration._frame import clean_ratings, count_table, value_codes
from calibration.result import Stat, defined, undefined

Weights = Literal["linear", "quadratic"] | None

ONE_CATEGORY = "every rating is the same category, so chance agreement is 1 and kappa is undefined"


def fleiss_kappa(ratings: pd.DataFrame, complete_only: bool = False) -> Stat:
    """Fleiss' kappa: nominal agreement when every unit has the same number of raters.

    The raters may differ from unit to unit, but their number may not. With
    unequal numbers the result is undefined (use krippendorff_alpha, which
    handles missing ratings), unless complete_only=True: then only the units
    with the largest number of ratings are used, and n_units says how many.
    """
    frame = clean_ratings(ratings)
    name = "fleiss_kappa"
    codes, domain = value_codes(frame["value"], None, ordered=False)
    table, units = count_table(frame["unit"], codes, max(len(domain), 1))
    per_unit = table.sum(axis=1)
    if complete_only and len(per_unit):
        keep = per_unit == per_unit.max()
        table, per_unit = table[keep], per_unit[keep]
        units = [u for u, k in zip(units, keep, strict=True) if k]
    n_raters = int(frame.loc[frame["unit"].isin(units), "rater"].nunique())

    def none(reason: str) -> Stat:
        return undefined(reason, n_units=len(units), n_raters=n_raters, name=name, detail=None)

    if len(units) == 0:
        return none("there are no ratings")
    if per_unit.min() != per_unit.max():
        return none(
            f"units were rated by different numbers of raters ({per_unit.min()} to "
            f"{per_unit.max()}); Fleiss' kappa needs the same number on every unit, "
            "so use Krippendorff's alpha or only the complete units"
        )
    if per_unit[0] < 2:
        return none("each unit has a single rating, so no ratings can be compared")
    if (table.sum(axis=0) > 0).sum() < 2:
        return none(ONE_CATEGORY)
    value = float(_sm_fleiss_kappa(table, method="fleiss"))
    return defined(value, n_units=len(units), n_raters=n_raters, name=name, detail=None)


def cohen_kappa(
    ratings: pd.DataFrame,
    rater_a: object,
    rater_b: object,
    weights: Weights = None,
    categories: Sequence[object] | None = None,
) -> Stat:
    """Cohen's kappa between two raters on the units both rated.

    weights: None (nominal), "linear" or "quadratic" (ordered scales). Weighted
    kappa measures distance by position in the category list, so the list must
    be the FULL scale: an unused middle point changes the result. Pass
    `categories` (ordered) for a scale; without it numbers use the sorted union
    of values both raters used, and non-numeric values cannot be weighted.
    Undefined when the raters share no unit or both used one and the same value.
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    frame = clean_ratings(ratings)
    name, detail = "cohen_kappa", f"{weights} weights" if weights else None
    a = frame.loc[frame["rater"] == rater_a].set_index("unit")["value"]
    b = frame.loc[frame["rater"] == rater_b].set_index("unit")["value"]
    pair = pd.concat({"a": a, "b": b}, axis=1, join="inner")
    n_units = len(pair)
    if n_units == 0:
        return undefined(
            f"raters {rater_a!r} and {rater_b!r} rated no unit in common",
            n_units=0,
            n_raters=2,
            name=name,
            detail=detail,
        )
    both = pd.concat([pair["a"], pair["b"]], ignore_index=True)
    try:
        codes, domain = value_codes(both, categories, ordered=weights is not None)
    except ValueError as exc:
        raise ValueError(f"weighted kappa: {exc}") from exc
    if len(np.unique(codes)) < 2:
        return undefined(
            "both raters gave the same single answer on every shared unit, "
            "so chance agreement is 1 and kappa is undefined",
            n_units=n_units,
            n_raters=2,
            name=name,
            detail=detail,
        )
    # Codes are positions in the category list; labels=range(V) makes
    # scikit-learn's weights count steps along the full list, unused ones included.
    value = cohen_kappa_score(
        codes[:n_units], codes[n_units:], labels=np.arange(len(domain)), weights=weights
    )
    return defined(float(value), n_units=n_units, n_raters=2, name=name, detail=detail)
