"""The agreement gate: a question's auto-answers are trusted only as far as
they agree with people, measured like a reviewer's in calibration.

On the interactions both the auto-rater and at least one person answered, in
a held-out period never used for training, the auto-rater is one more rater:
percent agreement, Krippendorff's alpha at the question's level and Gwet's AC1
(linear AC2 on a scale), each with a bootstrap 95 % interval, and the count of
pairs. The question is trusted when alpha reaches the threshold on at least
``MIN_PAIRS`` pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import calibration
from calibration import Interval, Stat
from scorecards import Question

AUTO = "auto"
MIN_PAIRS = 50
THRESHOLD = 0.667  # Krippendorff's "tentative" reading
LEVEL_OF = {"yes_no": "nominal", "choice": "nominal", "scale": "interval"}


@dataclass(frozen=True)
class Agreement:
    question: str
    pairs: int
    percent: Stat
    percent_interval: Interval
    alpha: Stat
    alpha_interval: Interval
    gwet: Stat
    gwet_interval: Interval
    paradox: str | None


@dataclass(frozen=True)
class Verdict:
    trusted: bool
    reason: str


def agreement(question: Question, answers: pd.DataFrame, *, resamples: int = 1000) -> Agreement:
    """``answers``: unit, rater, value; the auto-rater's rows have rater ``"auto"``.
    Only units with an auto answer and at least one human answer count; N/A
    answers are missing ratings, as in calibration."""
    frame = answers.loc[answers["value"].notna() & (answers["value"] != "na"),
                        ["unit", "rater", "value"]]  # fmt: skip
    auto_units = set(frame.loc[frame["rater"] == AUTO, "unit"])
    human_units = set(frame.loc[frame["rater"] != AUTO, "unit"])
    both = auto_units & human_units
    frame = frame.loc[frame["unit"].isin(both)]
    level = LEVEL_OF[question.kind]
    offered = list(question.answers())
    options = {"resamples": resamples}
    alpha = calibration.krippendorff_alpha(frame, level)
    if question.kind == "scale":
        numbers = frame.assign(value=frame["value"].astype(float))
        gwet = calibration.gwet_ac2(numbers, "linear", offered)
        gwet_iv = calibration.bootstrap_interval(numbers, "linear", offered, **options)
        alpha_iv = calibration.alpha_interval(numbers, level, **options)
    else:
        gwet = calibration.gwet_ac1(frame, offered)
        gwet_iv = calibration.bootstrap_interval(frame, None, offered, **options)
        alpha_iv = calibration.alpha_interval(frame, level, **options)
    paradox = calibration.prevalence_paradox(frame, alpha, gwet) if level == "nominal" else None
    return Agreement(
        question.key, len(both),
        calibration.percent_agreement(frame), calibration.percent_interval(frame, **options),
        alpha, alpha_iv, gwet, gwet_iv, paradox,
    )  # fmt: skip


def verdict(found: Agreement, *, threshold: float = THRESHOLD,
            min_pairs: int = MIN_PAIRS) -> Verdict:  # fmt: skip
    """Trusted or not, and why, in a sentence for the AutoQA page."""
    if found.pairs < min_pairs:
        return Verdict(False, f"not reliable yet: {found.pairs} held-out pairs, "
                              f"{min_pairs} needed")  # fmt: skip
    if found.alpha.value is None:
        return Verdict(False, f"not reliable yet: alpha is undefined ({found.alpha.reason})")
    if found.alpha.value < threshold:
        return Verdict(False, f"not reliable yet: alpha {found.alpha.value:.3f} is below "
                              f"the threshold {threshold:.3f}")  # fmt: skip
    return Verdict(True, f"trusted: alpha {found.alpha.value:.3f} >= {threshold:.3f} "
                         f"on {found.pairs} held-out pairs")  # fmt: skip


def held_out(times: pd.Series, share: float = 0.2) -> pd.Series:
    """True for the latest ``share`` of rows by time: the period a model is
    judged on and never trained on (ties at the cut go to the held-out side)."""
    if not 0 < share < 1:
        raise ValueError("share must be between 0 and 1")
    ordered = pd.to_datetime(times, utc=True)
    cut = ordered.quantile(1 - share)
    return ordered >= cut
