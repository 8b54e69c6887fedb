"""Which questions of one evaluation are critical errors, and what each did.

``Result`` says *that* a family was hit or the scorecard auto-failed; a page
that explains a score must also say *which* question did it. This reads the
same compiled answer tables as ``scoring.score``, so the rule (a failing
answer fires its auto-fail; a family is hit by a failing answer, or by any
lost point when the question has no critical rule) has one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scorecards.model import Scorecard
from scorecards.scoring import _compiled

_SCOPES = {0: None, 1: "section", 2: "scorecard"}


@dataclass(frozen=True, slots=True)
class CriticalError:
    """One question whose answer is a critical error.

    ``family`` is the COPC family it hit (None for an auto-fail question with
    no family); ``auto_fail`` the scope it zeroed ("section" or "scorecard"),
    None when its answer fired no auto-fail rule.
    """

    key: str
    family: str | None
    auto_fail: str | None


def critical_errors(card: Scorecard, answers: Mapping[str, Any]) -> tuple[CriticalError, ...]:
    """The questions, in card order, behind ``Result.critical_families`` and
    ``Result.auto_fail_questions``; answers that do not score (unanswered,
    N/A, text, invalid) are never critical."""
    found = []
    get = answers.get
    for key, table, *_ in _compiled(card).items:
        value = get(key)
        cls = value.__class__
        if (cls is str or cls is int) and (out := table.get(value)) is not None:
            crit, family = out[3], out[4]
            if crit or family:
                found.append(CriticalError(key, family, _SCOPES[crit]))
    return tuple(found)
