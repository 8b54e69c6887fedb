"""The agreement gate: auto-answers are judged like a reviewer, and trusted
only with enough held-out pairs at alpha >= the threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import calibration
import scorecards
from autoqa.gate import AUTO, agreement, held_out, verdict

CARD = scorecards.from_dict({"name": "C", "channel": "call", "sections": [{
    "key": "s", "title": "S", "questions": [
        {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 5, "allow_na": True},
        {"key": "tone", "text": "Tone", "kind": "scale", "min": 1, "max": 5, "points": 5},
    ]}]})  # fmt: skip


def answers(units: int, agree: float, seed: int = 0, question: str = "greet") -> pd.DataFrame:
    """One human per unit; the auto-rater copies them with chance ``agree``."""
    rng = np.random.default_rng(seed)
    values = ["yes", "no"] if question == "greet" else [1, 2, 3, 4, 5]
    rows = []
    for unit in range(units):
        human = values[rng.integers(len(values))]
        auto = human if rng.random() < agree else values[rng.integers(len(values))]
        rows += [(unit, f"reviewer{unit % 3}", human), (unit, AUTO, auto)]
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


def test_the_figures_are_calibrations_own_on_the_shared_units() -> None:
    frame = answers(80, 0.9)
    extra = pd.DataFrame([(500, AUTO, "yes"), (501, "reviewer1", "no"), (502, AUTO, "na"),
                          (502, "reviewer2", "yes")], columns=frame.columns)  # fmt: skip
    found = agreement(CARD.question("greet"), pd.concat([frame, extra]), resamples=200)
    assert found.pairs == 80  # only units both answered; N/A is a missing rating
    assert found.alpha.value == pytest.approx(calibration.krippendorff_alpha(frame).value)
    assert found.gwet.value == pytest.approx(calibration.gwet_ac1(frame, ["yes", "no"]).value)
    assert found.percent.value == pytest.approx(calibration.percent_agreement(frame).value)
    assert found.alpha_interval.low < found.alpha.value < found.alpha_interval.high


def test_a_close_auto_rater_with_enough_pairs_is_trusted() -> None:
    found = agreement(CARD.question("greet"), answers(120, 0.95), resamples=200)
    decided = verdict(found)
    assert decided.trusted and decided.reason.startswith("trusted: alpha")


def test_below_the_threshold_or_with_too_few_pairs_it_is_never_trusted() -> None:
    weak = agreement(CARD.question("greet"), answers(200, 0.4, seed=1), resamples=200)
    assert weak.alpha.value < 0.667
    assert not verdict(weak).trusted and "below the threshold" in verdict(weak).reason
    few = agreement(CARD.question("greet"), answers(30, 1.0, seed=2), resamples=200)
    assert few.alpha.value == pytest.approx(1.0)
    assert not verdict(few).trusted and "30 held-out pairs, 50 needed" in verdict(few).reason
    assert verdict(few, min_pairs=20).trusted
    assert not verdict(weak, threshold=0.9).trusted


def test_a_scale_is_judged_at_the_interval_level_with_linear_ac2() -> None:
    frame = answers(100, 0.8, seed=3, question="tone")
    found = agreement(CARD.question("tone"), frame, resamples=200)
    assert found.alpha.detail == "interval"
    assert found.gwet.name == "gwet_ac2" and found.gwet.detail == "linear weights"


def test_the_held_out_period_is_the_latest_share() -> None:
    times = pd.Series(pd.date_range("2026-01-01", periods=10, freq="D"))
    assert held_out(times).tolist() == [False] * 8 + [True] * 2
    with pytest.raises(ValueError):
        held_out(times, share=1.5)
