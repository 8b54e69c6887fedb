"""Benchmark: Krippendorff's alpha for 1,000 units x 20 raters, ~15 % missing.

Run: .venv/bin/python bench/agreement.py
Times the public call (long DataFrame in, Stat out), median of several runs.
Target: < 100 ms per call.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibration import krippendorff_alpha

UNITS, RATERS, MISSING, RUNS = 1_000, 20, 0.15, 15
TARGET_MS = 100.0


def make_ratings(kind: str, seed: int = 0) -> pd.DataFrame:
    """Long ratings; nominal are yes/no/na strings, interval are 1-5 scale points."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(UNITS), RATERS)
    rater = np.tile([f"reviewer{r:02d}" for r in range(RATERS)], UNITS)
    truth = np.repeat(rng.integers(1, 6, UNITS), RATERS)
    noisy = np.clip(truth + rng.choice([-1, 0, 0, 0, 1], size=truth.size), 1, 5)
    if kind == "nominal":
        values: np.ndarray = np.array(["no", "no", "yes", "yes", "na"], dtype=object)[noisy - 1]
    else:
        values = noisy.astype(float)
    keep = rng.random(unit.size) >= MISSING
    return pd.DataFrame({"unit": unit[keep], "rater": rater[keep], "value": values[keep]})


def time_ms(ratings: pd.DataFrame, level: str) -> tuple[float, float]:
    krippendorff_alpha(ratings, level)  # warm-up
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = krippendorff_alpha(ratings, level)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), float(result.value)


def main() -> None:
    print(f"alpha, {UNITS} units x {RATERS} raters, {MISSING:.0%} missing, median of {RUNS}")
    for level in ("nominal", "interval"):
        ratings = make_ratings(level)
        ms, value = time_ms(ratings, level)
        verdict = "ok" if ms < TARGET_MS else "SLOW"
        print(
            f"  {level:<9} {len(ratings):>6} ratings  alpha={value:.3f}  "
            f"{ms:7.1f} ms   target: < {TARGET_MS:.0f} ms  [{verdict}]"
        )


if __name__ == "__main__":
    main()
