"""Trend alerts: a planted spike is found; stable weeks stay within the FDR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import scan, weekly_counts

KEYS = ["topic", "region", "channel"]
WEEKS = pd.date_range("2026-05-04", periods=20, freq="7D")  # Mondays


def simulated(seed: int, cells: int = 600) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_product(
        [[f"topic{i}" for i in range(cells // 30)], [f"region{i}" for i in range(10)],
         ["call", "chat", "email"]], names=KEYS)  # fmt: skip
    rates = rng.gamma(2.0, 5.0, len(index))
    counts = rng.poisson(rates[:, None], (len(index), len(WEEKS)))
    return _long(index, counts), counts


def _long(index: pd.MultiIndex, counts: np.ndarray) -> pd.DataFrame:
    wide = pd.DataFrame(counts, index=index, columns=pd.Index(WEEKS, name="week"))
    return wide.stack().rename("count").reset_index()


def test_a_planted_spike_is_the_alert() -> None:
    frame, counts = simulated(1)
    cell = frame.drop_duplicates(KEYS).iloc[17]
    mask = (frame[KEYS] == cell[KEYS]).all(axis=1) & (frame["week"] == WEEKS[-1])
    baseline = counts[17, -13:-1].mean()
    frame.loc[mask, "count"] = int(3 * baseline + 12)
    result = scan(frame, KEYS, WEEKS[-1:])
    alerts = result.alerts
    assert len(alerts) == 1
    assert tuple(alerts.iloc[0][KEYS]) == tuple(cell[KEYS])
    assert alerts.iloc[0]["expected"] == pytest.approx(baseline)


@pytest.mark.parametrize("seed", range(10))
def test_on_stable_weeks_alerts_stay_within_the_false_discovery_rate(seed: int) -> None:
    """Under the null every alert is false, so BH at q bounds the chance of any
    alert at q: over 10 draws of 600 cells x 4 weeks, at most one draw may
    raise one (expected at most 0.5 at q = 0.05)."""
    frame, _ = simulated(100 + seed)
    result = scan(frame, KEYS, WEEKS[-4:], fdr=0.05)
    assert len(result.tested) == 600 * 4
    assert result.tested["alert"].sum() <= 1


def test_a_cell_missing_in_a_week_counts_zero_and_a_short_baseline_is_refused() -> None:
    frame = pd.DataFrame({"topic": ["a"] * 3, "region": ["r"] * 3, "channel": ["call"] * 3,
                          "week": [WEEKS[0], WEEKS[5], WEEKS[12]],
                          "count": [4, 4, 30]})  # fmt: skip
    result = scan(frame, KEYS, [WEEKS[12]])
    row = result.tested.iloc[0]
    assert row["expected"] == pytest.approx(8 / 12) and bool(row["alert"])
    with pytest.raises(ValueError, match="at least 8 weeks"):
        scan(frame, KEYS, [WEEKS[12]], baseline_weeks=4)


def test_weekly_counts_group_by_monday_and_name_unknown_keys() -> None:
    contacts = pd.DataFrame({
        "started_at": ["2026-11-02 08:00", "2026-11-08 23:00", "2026-11-09 00:30"],
        "topic": ["billing", "billing", None],
    })  # fmt: skip
    counts = weekly_counts(contacts, ["topic"])
    assert counts.to_dict("records") == [
        {"topic": "Unknown", "week": pd.Timestamp("2026-11-09"), "count": 1},
        {"topic": "billing", "week": pd.Timestamp("2026-11-02"), "count": 2},
    ]
