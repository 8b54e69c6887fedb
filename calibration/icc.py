"""Intraclass correlation for evaluation totals (Shrout & Fleiss 1979).

Input: `scores` with columns target, rater, score (e.g. interaction, reviewer,
0-100 total). The six forms come from the mean squares of a two-way ANOVA on
the complete targets x raters matrix; a few lines of numpy, no extra package.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from calibration._frame import clean_numeric
from calibration.result import Stat, defined, undefined

Form = Literal["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]

FORMS: dict[str, str] = {
    "ICC1": "one-way random effects, single rater",
    "ICC2": "two-way random effects, absolute agreement, single rater",
    "ICC3": "two-way mixed effects, consistency, single rater",
    "ICC1k": "one-way random effects, mean of k raters",
    "ICC2k": "two-way random effects, absolute agreement, mean of k raters",
    "ICC3k": "two-way mixed effects, consistency, mean of k raters",
}


def _mean_squares(matrix: np.ndarray) -> dict[str, float]:
    """BMS (targets), WMS (within targets), JMS (raters/judges), EMS (residual)."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_total = ((matrix - grand) ** 2).sum()
    ss_targets = k * ((matrix.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((matrix.mean(axis=0) - grand) ** 2).sum()
    ss_error = ss_total - ss_targets - ss_raters
    return {
        "BMS": ss_targets / (n - 1),
        "WMS": (ss_total - ss_targets) / (n * (k - 1)),
        "JMS": ss_raters / (k - 1),
        "EMS": ss_error / ((n - 1) * (k - 1)),
    }


def _ratio(form: str, ms: dict[str, float], n: int, k: int) -> tuple[float, float]:
    """(numerator, denominator) of the form, as in Shrout & Fleiss 1979, Table 1."""
    bms, wms, jms, ems = ms["BMS"], ms["WMS"], ms["JMS"], ms["EMS"]
    return {
        "ICC1": (bms - wms, bms + (k - 1) * wms),
        "ICC2": (bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        "ICC3": (bms - ems, bms + (k - 1) * ems),
        "ICC1k": (bms - wms, bms),
        "ICC2k": (bms - ems, bms + (jms - ems) / n),
        "ICC3k": (bms - ems, bms),
    }[form]


def icc(scores: pd.DataFrame, form: Form = "ICC2") -> Stat:
    """ICC of one form on the targets scored by every rater.

    ICC2 (ICC(2,1)) answers "how interchangeable is one reviewer's total with
    another's", penalising a reviewer who is systematically harsher; ICC2k the
    same for the mean of all k reviewers. Targets missing any rater's score are
    left out (n_units says how many remain), so pass only the raters expected
    to score every interaction. Undefined with fewer than two complete targets
    or two raters, or when the scores have no variance to share out.
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}; got {form!r}")
    frame = clean_numeric(scores, ("target", "rater", "score"), "scores")
    wide = frame.pivot(index="target", columns="rater", values="score").dropna(axis=0)
    n, k = wide.shape
    info = {"n_units": n, "n_raters": k, "name": form, "detail": FORMS[form]}
    if k < 2:
        return undefined("fewer than two raters scored the same targets", **info)
    if n < 2:
        return undefined("fewer than two targets were scored by every rater", **info)
    matrix = wide.to_numpy(dtype=float)
    if np.ptp(matrix) == 0:
        return undefined("every score is the same, so there is no variance to compare", **info)
    numerator, denominator = _ratio(form, _mean_squares(matrix), n, k)
    if denominator <= 0:
        # e.g. every target has the same mean score, or (ICC2k) the raters'
        # disagreement outweighs the targets' differences: a negative ratio of
        # negative numbers would read as agreement, so say undefined instead.
        return undefined(
            "between-target variance is too small beside rater and error variance, "
            "so this form is undefined",
            **info,
        )
    return defined(numerator / denominator, **info)
