"""QA measures on top of the statistics: the answer key, totals, outliers.

Two inputs: `ratings` (unit, rater, value), as for the statistics, and
`totals` (interaction, rater, total): one 0-100 evaluation total per reviewer
and interaction; null totals (an evaluation with nothing scorable) are dropped.
Frames come back indexed by rater or interaction; NaN in a result column means
"undefined here" (for instance the spread of a single total).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration._frame import TOTAL_COLUMNS, clean_numeric, clean_ratings, count_table, value_codes
from calibration.agreement import pair_agreement


def _require_rater(frame: pd.DataFrame, rater: object, what: str) -> None:
    if not (frame["rater"] == rater).any():
        raise ValueError(f"benchmark rater {rater!r} has no rows in {what}")


def benchmark_agreement(ratings: pd.DataFrame, benchmark_rater: object) -> pd.DataFrame:
    """Per rater: how many of their answers equal the answer key.

    Columns matches, units (units both the rater and the benchmark answered)
    and match_rate (NaN when they share no unit); one row per other rater.
    """
    frame = clean_ratings(ratings)
    _require_rater(frame, benchmark_rater, "ratings")
    key = frame.loc[frame["rater"] == benchmark_rater, ["unit", "value"]]
    others = frame.loc[frame["rater"] != benchmark_rater]
    both = others.merge(key, on="unit", suffixes=("", "_key"))
    both["match"] = [a == b for a, b in zip(both["value"], both["value_key"], strict=True)]
    grouped = both.groupby("rater", sort=True)["match"]
    out = pd.DataFrame({"matches": grouped.sum(), "units": grouped.size()})
    out = out.reindex(sorted(others["rater"].unique()), fill_value=0).astype(int)
    out["match_rate"] = out["matches"] / out["units"].where(out["units"] > 0)
    out.index.name = "rater"
    return out


def _clean_totals(totals: pd.DataFrame) -> pd.DataFrame:
    return clean_numeric(totals, TOTAL_COLUMNS, "totals")


def deviations(totals: pd.DataFrame, benchmark_rater: object | None = None) -> pd.DataFrame:
    """Long frame interaction, rater, total, reference, deviation (total - reference).

    The reference is the benchmark's total on that interaction or, without a
    benchmark, the median of the OTHER raters' totals there (so a lone harsh
    reviewer does not pull their own reference). Interactions without a
    reference (no benchmark total, or a single rater) are left out.
    """
    frame = _clean_totals(totals)
    if benchmark_rater is not None:
        _require_rater(frame, benchmark_rater, "totals")
        key = frame.loc[frame["rater"] == benchmark_rater, ["interaction", "total"]]
        key = key.rename(columns={"total": "reference"})
        out = frame.loc[frame["rater"] != benchmark_rater].merge(key, on="interaction")
    else:
        parts = []
        for _, group in frame.groupby("interaction", sort=False):
            values = group["total"].to_numpy()
            if len(values) < 2:
                continue
            others = [np.median(np.delete(values, i)) for i in range(len(values))]
            parts.append(group.assign(reference=others))
        columns = [*TOTAL_COLUMNS, "reference"]
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    out = out.astype({"total": float, "reference": float})
    out["deviation"] = out["total"] - out["reference"]
    return out.reset_index(drop=True)


def score_deviation(totals: pd.DataFrame, benchmark_rater: object | None = None) -> pd.DataFrame:
    """Per rater deviation of their totals from the reference, in points.

    Columns mean (signed: negative = harsher than the reference), mean_abs,
    max_abs and n (interactions compared); NaN statistics when n is 0.
    """
    frame = _clean_totals(totals)
    raters = sorted(r for r in frame["rater"].unique() if r != benchmark_rater)
    dev = deviations(frame, benchmark_rater)
    dev["abs"] = dev["deviation"].abs()
    grouped = dev.groupby("rater")
    out = pd.DataFrame(
        {
            "mean": grouped["deviation"].mean(),
            "mean_abs": grouped["abs"].mean(),
            "max_abs": grouped["abs"].max(),
            "n": grouped.size(),
        }
    ).reindex(raters)
    out["n"] = out["n"].fillna(0).astype(int)
    out.index.name = "rater"
    return out


def spread(totals: pd.DataFrame) -> pd.DataFrame:
    """Per interaction: std (sample, ddof=1; NaN with one total), range, min, max, n."""
    frame = _clean_totals(totals)
    grouped = frame.groupby("interaction", sort=True)["total"]
    out = pd.DataFrame(
        {
            "std": grouped.std(ddof=1),
            "min": grouped.min(),
            "max": grouped.max(),
            "n": grouped.size(),
        }
    )
    out.insert(1, "range", out["max"] - out["min"])
    return out


def outliers(
    totals: pd.DataFrame, threshold: float = 5.0, benchmark_rater: object | None = None
) -> pd.DataFrame:
    """Raters whose mean absolute deviation is beyond `threshold` points.

    The score_deviation rows of those raters, worst first. The usual target is
    every reviewer within +/-5 points of the key.
    """
    dev = score_deviation(totals, benchmark_rater)
    return dev.loc[dev["mean_abs"] > threshold].sort_values("mean_abs", ascending=False)


def per_unit_agreement(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per unit: n ratings, agreement (share of agreeing pairs; NaN below two
    ratings), modal value, modal_share and tied (another value is as common).

    For the reveal grid: low agreement marks the questions worth discussing.
    With a tie the modal value is the first in sorted order; do not present it
    as a majority.
    """
    frame = clean_ratings(ratings)
    codes, domain = value_codes(frame["value"], None, ordered=False)
    table, units = count_table(frame["unit"], codes, max(len(domain), 1))
    # Report values as the raters gave them (3, not the 3.0 used for sorting).
    original = dict(zip(codes.tolist(), frame["value"].tolist(), strict=True))
    n = table.sum(axis=1)
    top = table.max(axis=1) if len(units) else np.zeros(0, dtype=int)
    modal_code = table.argmax(axis=1) if len(units) else np.zeros(0, dtype=int)
    out = pd.DataFrame(
        {
            "n": n.astype(int),
            "agreement": pair_agreement(table),
            "modal": pd.Series([original[c] for c in modal_code], dtype=object),
            "modal_share": top / np.where(n > 0, n, 1),
            "tied": (table == top[:, None]).sum(axis=1) > 1,
        }
    )
    out.index = pd.Index(units, name="unit")
    return out.sort_index()
