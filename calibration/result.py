"""The small result object every agreement statistic returns.

A statistic can be undefined for perfectly ordinary data (everyone answered
"yes" everywhere, or nobody rated the same unit twice). Pages must say so
instead of printing 0, 1 or NaN, so the result carries either a value or a
plain-language reason, never a silent NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RELIABLE = 0.8
TENTATIVE = 0.667


@dataclass(frozen=True)
class Stat:
    """One agreement statistic.

    value: the coefficient, or None when it is undefined for the data.
    reason: why it is undefined (a sentence for a page); None when defined.
    n_units: units (or targets) that entered the computation.
    n_raters: distinct raters among those units.
    name: which statistic, e.g. "krippendorff_alpha" or "ICC2".
    detail: the variant, e.g. "ordinal" or "linear weights".
    """

    value: float | None
    reason: str | None
    n_units: int
    n_raters: int
    name: str = ""
    detail: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


def defined(value: float, *, n_units: int, n_raters: int, name: str, detail: str | None) -> Stat:
    """A defined statistic; a non-finite value is turned into an undefined one."""
    if not math.isfinite(value):
        return undefined(
            "the statistic is not a finite number for these data",
            n_units=n_units,
            n_raters=n_raters,
            name=name,
            detail=detail,
        )
    return Stat(float(value), None, n_units, n_raters, name, detail)


def undefined(reason: str, *, n_units: int, n_raters: int, name: str, detail: str | None) -> Stat:
    return Stat(None, reason, n_units, n_raters, name, detail)


def interpret_alpha(value: float | None) -> str:
    """Krippendorff's reading of alpha: >= 0.8 reliable, >= 0.667 tentative.

    None or NaN (an undefined alpha) reads as "undefined", never as unreliable,
    because "no variation to measure" is not the same as "raters disagree".
    """
    if value is None or not math.isfinite(value):
        return "undefined"
    if value >= RELIABLE:
        return "reliable"
    if value >= TENTATIVE:
        return "tentative"
    return "unreliable"
