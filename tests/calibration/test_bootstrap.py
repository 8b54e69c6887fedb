"""Bootstrap intervals of percent agreement and alpha over units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibration import alpha_interval, krippendorff_alpha, percent_agreement, percent_interval


def ratings(seed: int, units: int, agree: float) -> pd.DataFrame:
    """Three raters; each copies the unit's true answer with chance ``agree``."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(["yes", "no", "partly"], units)
    rows = []
    for unit in range(units):
        for rater in ("a", "b", "c"):
            value = truth[unit] if rng.random() < agree else rng.choice(["yes", "no", "partly"])
            rows.append((unit, rater, value))
    return pd.DataFrame(rows, columns=["unit", "rater", "value"])


def test_the_intervals_hold_the_estimate_and_narrow_with_more_units() -> None:
    small, large = ratings(1, 30, 0.7), ratings(1, 300, 0.7)
    for frame in (small, large):
        a, p = alpha_interval(frame), percent_interval(frame)
        assert a.low < krippendorff_alpha(frame).value < a.high
        assert p.low < percent_agreement(frame).value < p.high
    width = lambda i: i.high - i.low  # noqa: E731
    assert width(alpha_interval(large)) < width(alpha_interval(small)) / 2


def test_coverage_of_the_alpha_interval_on_repeated_samples() -> None:
    """Over 40 samples of 80 units from one population, the 95 % interval
    should hold the population's alpha (taken from 20,000 units) in most draws:
    at least 34 of 40 (the expected count is 38)."""
    population = krippendorff_alpha(ratings(999, 20_000, 0.6)).value
    covered = 0
    for seed in range(40):
        iv = alpha_interval(ratings(seed, 80, 0.6), resamples=400, seed=seed)
        covered += iv.low <= population <= iv.high
    assert covered >= 34


def test_interval_levels_and_numbers() -> None:
    frame = ratings(2, 60, 0.8).replace({"yes": 3, "partly": 2, "no": 1})
    iv = alpha_interval(frame, "interval", resamples=300)
    assert iv.low < krippendorff_alpha(frame, "interval").value < iv.high
    assert iv.resamples == 300 and iv.level == 0.95
    with pytest.raises(ValueError, match="numeric"):
        alpha_interval(ratings(2, 10, 0.8), "interval")


def test_too_few_units_give_no_interval() -> None:
    one = pd.DataFrame({"unit": [1, 1], "rater": ["a", "b"], "value": ["x", "y"]})
    assert percent_interval(one).low is None and alpha_interval(one).high is None
