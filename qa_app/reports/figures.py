"""Shaping the aggregates into the figures' tables (pandas only, no SQL).

Every function returns a DataFrame whose columns are what the page shows and
the export writes, so the page and its CSV/xlsx always carry the same numbers.
Rates are fractions 0..1 (the templates print percentages); undefined values
(nothing to divide by) are NaN and print as "n/a".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

import calibration

SUMS = ["n", "scored", "total_sum", "auto_failed", "below"]
FAMILIES = ("customer", "business", "compliance")
EDGES = [f"lt{10 * (n + 1)}" for n in range(9)]  # cumulative counts in the cube
BIN_LABELS = [f"{10 * n}-{10 * n + 9}" for n in range(9)] + ["90-100"]


def ratio(num: pd.Series | float, den: pd.Series | float) -> pd.Series | float:
    """num / den, NaN where den is 0."""
    if isinstance(den, pd.Series):
        return num / den.where(den > 0)
    return num / den if den else float("nan")


def numeric(cube: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns as floats with 0 for SQL NULL sums (a no-op when already so)."""
    todo = [c for c in columns if c in cube and cube[c].dtype != "float64"]
    if not todo and not any(cube[c].isna().any() for c in columns if c in cube):
        return cube
    out = cube.copy()
    for column in columns:
        if column in out:
            out[column] = pd.to_numeric(out[column]).fillna(0).astype(float)
    return out


def prepare(cube: pd.DataFrame) -> pd.DataFrame:
    """Convert a cube once, before the many figures read it (they then skip
    the per-column checks: a page shapes one cube a dozen times)."""
    out = _cube(cube)
    out.attrs["prepared"] = True
    return out


def _cube(cube: pd.DataFrame) -> pd.DataFrame:
    if cube.attrs.get("prepared"):
        return cube
    fam = [f"{f}_{k}" for f in FAMILIES for k in ("eligible", "errors")]
    return numeric(cube, SUMS + fam + EDGES)


def _scores(g: pd.DataFrame) -> pd.DataFrame:
    g["undefined"] = g["n"] - g["scored"]
    g["mean"] = ratio(g["total_sum"], g["scored"])
    g["auto_fail_rate"] = ratio(g["auto_failed"], g["n"])
    g["below_share"] = ratio(g["below"], g["scored"])
    return g


def trend(cube: pd.DataFrame, grain: str, by: str | None = None) -> pd.DataFrame:
    """Mean score per period (and per ``by``), with the evaluations under each point."""
    keys = [grain, *([by] if by else [])]
    columns = ["period", *([by] if by else []), "n", "undefined", "mean"]
    if cube.empty:
        return pd.DataFrame(columns=columns)
    g = _cube(cube).groupby(keys, as_index=False, dropna=False)[SUMS].sum()
    g = _scores(g).rename(columns={grain: "period"}).sort_values(["period", *keys[1:]])
    return g[columns].reset_index(drop=True)


def headline(cube: pd.DataFrame) -> dict[str, float]:
    """Overall n, mean, auto-fail rate, below-threshold share, accuracy per family."""
    c = _cube(cube)
    fam = [f"{f}_{k}" for f in FAMILIES for k in ("eligible", "errors")]
    total = {k: float(c[k].sum()) for k in SUMS + fam if k in c}
    out = {
        "n": int(total.get("n", 0)),
        "undefined": int(total.get("n", 0) - total.get("scored", 0)),
        "mean": ratio(total.get("total_sum", 0.0), total.get("scored", 0.0)),
        "auto_fail_rate": ratio(total.get("auto_failed", 0.0), total.get("n", 0.0)),
        "below_share": ratio(total.get("below", 0.0), total.get("scored", 0.0)),
    }
    for family in FAMILIES:
        eligible = total.get(f"{family}_eligible", 0.0)
        out[f"{family}_accuracy"] = 1 - ratio(total.get(f"{family}_errors", 0.0), eligible)
        out[f"{family}_eligible"] = int(eligible)
    return out


def families(head: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "family": list(FAMILIES),
            "evaluations": [head[f"{f}_eligible"] for f in FAMILIES],
            "accuracy": [head[f"{f}_accuracy"] for f in FAMILIES],
        }
    )


def groups(cube: pd.DataFrame, by: str, labels: dict[int, str]) -> pd.DataFrame:
    """Per team or agent: n, undefined, mean, auto-fail rate, below-threshold share."""
    columns = [by, "name", "n", "undefined", "mean", "auto_fail_rate", "below_share"]
    if cube.empty:
        return pd.DataFrame(columns=columns)
    g = _scores(_cube(cube).groupby(by, as_index=False, dropna=False)[SUMS].sum())
    g["name"] = [labels.get(int(i), f"#{int(i)}") if pd.notna(i) else "(none)" for i in g[by]]
    return g[columns].sort_values("mean", ascending=False, na_position="last")


def agents(cube: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """Agents ranked by mean score, with their weekly trend.

    ``slope`` is the least-squares change in points per week over the weekly
    means; ``change`` the last week's mean minus the previous scored week's.
    """
    table = groups(cube, "agent_id", labels)
    if table.empty:
        return table.assign(rank=[], slope=[], change=[])
    weekly = trend(cube, "week", by="agent_id").dropna(subset=["mean"])
    weekly = weekly.sort_values(["agent_id", "period"])
    x = (pd.to_datetime(weekly["period"]) - pd.Timestamp("1970-01-05")).dt.days / 7.0  # weeks
    y = weekly["mean"].astype(float)
    by = weekly["agent_id"]
    dx = x - x.groupby(by).transform("mean")
    dy = y - y.groupby(by).transform("mean")
    var = (dx * dx).groupby(by).sum()
    slopes = ((dx * dy).groupby(by).sum() / var.where(var > 0)).to_dict()
    changes = (y - y.groupby(by).shift(1)).groupby(by).last().to_dict()
    table["slope"] = table["agent_id"].map(slopes).astype(float)
    table["change"] = table["agent_id"].map(changes).astype(float)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def distribution(cube: pd.DataFrame) -> pd.DataFrame:
    """Evaluations per 10-point score bin (undefined totals left out), from the
    cube's cumulative counts: bin k holds those below 10(k+1) but not below 10k."""
    c = _cube(cube)
    below = [float(c[e].sum()) if e in c else 0.0 for e in EDGES]
    cumulative = [*below, float(c["scored"].sum()) if "scored" in c else 0.0]
    counts = [int(hi - lo) for lo, hi in zip([0.0, *cumulative[:-1]], cumulative, strict=True)]
    out = pd.DataFrame({"bin": range(10), "scores": BIN_LABELS, "n": counts})
    out["share"] = ratio(out["n"].astype(float), float(out["n"].sum()))
    return out


PARETO_COLUMNS = ["question_key", "question", "answered", "failed", "failure_rate", "cumulative"]


def pareto_frame(rows: list[list]) -> pd.DataFrame:
    """``pareto_rows`` as a typed frame (exports, the periodic review)."""
    if not rows:
        return pd.DataFrame(columns=PARETO_COLUMNS)
    keys, texts, answered, failed, rates, cumulative = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "question_key": list(keys),
            "question": list(texts),
            "answered": np.array(answered, dtype="int64"),
            "failed": np.array(failed, dtype="int64"),
            "failure_rate": np.array(rates, dtype=float),
            "cumulative": np.array(cumulative, dtype=float),
        },
        columns=PARETO_COLUMNS,
    )


def pareto_rows(failures: pd.DataFrame | list[tuple], texts: dict[str, str]) -> list[list]:
    """Questions by failure rate (answers below full points / answered non-N/A),
    worst first, with the cumulative share of all failed answers: rows of
    ``PARETO_COLUMNS``. ``failures``: per question key answered and failed, as a
    frame or (key, answered, failed) rows.

    In plain Python: a Pareto has one row per question key (tens), where each
    pandas step would cost more than the arithmetic; the Questions page shows
    the rows without a frame."""
    if isinstance(failures, pd.DataFrame):
        failures = list(
            zip(failures["question_key"], failures["answered"], failures["failed"], strict=True)
        )
    rows = []
    for key, answered, failed in failures:
        a, f = _count(answered), _count(failed)
        rows.append([key, texts.get(key, key), a, f, f / a if a else float("nan")])
    rows.sort(key=lambda r: (pd.isna(r[4]), -r[4] if not pd.isna(r[4]) else 0, -r[3], r[0]))
    total, running = sum(r[3] for r in rows), 0
    for row in rows:
        running += row[3]
        row.append(running / total if total else float("nan"))
    return rows


def _count(value: object) -> int:
    """A SQL count or sum as an int (NULL: 0)."""
    return 0 if value is None or pd.isna(value) else int(value)


def leniency(cells: pd.DataFrame) -> pd.DataFrame:
    """Per reviewer: mean of (own mean - other reviewers' mean) over comparable
    cells (same team, channel and week), weighted by the reviewer's evaluations
    there. Positive: more lenient than the others."""
    if cells.empty:
        return pd.DataFrame(columns=["reviewer_id", "leniency", "compared"])
    c = numeric(cells, ["n", "total_sum"])
    keys = ["team_id", "channel", "week"]
    cell = c.groupby(keys, dropna=False)[["n", "total_sum"]].transform("sum")
    others_n = cell["n"] - c["n"]
    c = c.assign(diff=c["total_sum"] / c["n"] - (cell["total_sum"] - c["total_sum"]) / others_n)
    c = c.loc[others_n > 0]
    c = c.assign(weighted=c["diff"] * c["n"])
    g = c.groupby("reviewer_id", as_index=False)[["weighted", "n"]].sum()
    g["leniency"] = ratio(g["weighted"], g["n"])
    return g.rename(columns={"n": "compared"})[["reviewer_id", "leniency", "compared"]]


def latest_calibration(totals: pd.DataFrame) -> pd.DataFrame:
    """Per reviewer: mean absolute deviation (points) from the benchmark, or the
    others' median, in the latest revealed session they scored in."""
    columns = ["reviewer_id", "calibration_deviation", "calibration_session"]
    rows = []
    if totals.empty:
        return pd.DataFrame(columns=columns)
    for (_, title), s in totals.sort_values("revealed_at").groupby(
        ["session_id", "title"], sort=False
    ):
        t = s.dropna(subset=["total"])
        rater = t["reviewer_id"].where(t["kind"] != "benchmark", -1)
        frame = pd.DataFrame(
            {"interaction": t["interaction"], "rater": rater, "total": t["total"].astype(float)}
        )
        bench = -1 if (frame["rater"] == -1).any() else None
        if frame.empty:
            continue
        dev = calibration.score_deviation(frame, benchmark_rater=bench)
        for reviewer, r in dev.iterrows():
            if r["n"] > 0:
                rows.append((s["revealed_at"].iloc[0], int(reviewer), r["mean_abs"], title))
    if not rows:
        return pd.DataFrame(columns=columns)
    latest = pd.DataFrame(rows, columns=["at", *columns]).sort_values("at")
    return latest.groupby("reviewer_id", as_index=False).last()[columns]


def reviewers(load, cells, disputes, calib, labels: dict[int, str]) -> pd.DataFrame:
    columns = [
        "reviewer_id", "reviewer", "evaluations", "per_day", "median_minutes", "mean_score",
        "leniency", "compared", "dispute_rate", "overturn_rate", "calibration_deviation",
        "calibration_session",
    ]  # fmt: skip
    if load.empty:
        return pd.DataFrame(columns=columns)
    t = numeric(load, ["n", "active_days", "scored", "total_sum", "median_seconds"])
    t["reviewer"] = t["reviewer_id"].map(lambda i: labels.get(int(i), f"#{i}"))
    t["evaluations"] = t["n"].astype(int)
    t["per_day"] = ratio(t["n"], t["active_days"])
    t["median_minutes"] = t["median_seconds"] / 60.0
    t["mean_score"] = ratio(t["total_sum"], t["scored"])
    t = t.merge(leniency(cells), on="reviewer_id", how="left")
    d = numeric(disputes, ["disputed", "resolved", "overturned"])
    t = t.merge(d, on="reviewer_id", how="left")
    t[["disputed", "resolved", "overturned"]] = t[["disputed", "resolved", "overturned"]].fillna(0)
    t["dispute_rate"] = ratio(t["disputed"], t["n"])
    t["overturn_rate"] = ratio(t["overturned"], t["resolved"])
    t["compared"] = t["compared"].fillna(0).astype(int)
    t = t.merge(calib, on="reviewer_id", how="left")
    return t[columns].sort_values("reviewer").reset_index(drop=True)


def coverage(cov: pd.DataFrame, targets: dict[int | None, float | None], labels) -> pd.DataFrame:
    """Per agent: share of interactions reviewed, against the sampling target."""
    columns = ["agent_id", "agent", "interactions", "reviewed", "coverage", "target", "met"]
    if cov.empty:
        return pd.DataFrame(columns=columns)
    c = numeric(cov, ["interactions", "reviewed"])
    c = c.groupby("agent_id", as_index=False).agg(
        {"team_id": "first", "interactions": "sum", "reviewed": "sum"}
    )
    c["agent"] = c["agent_id"].map(lambda i: labels.get(int(i), f"#{i}"))
    c["coverage"] = ratio(c["reviewed"], c["interactions"])
    c["target"] = [
        targets.get(int(t) if pd.notna(t) else None, targets.get(None)) for t in c["team_id"]
    ]
    c["target"] = pd.to_numeric(c["target"]).astype(float)
    pairs = zip(c["reviewed"], c["target"], strict=True)
    c["met"] = [bool(r >= t) if pd.notna(t) else None for r, t in pairs]
    c[["interactions", "reviewed"]] = c[["interactions", "reviewed"]].astype(int)
    return c[columns].sort_values("agent").reset_index(drop=True)


COACHING = ["session_id", "agent", "held_on", "focus", "before_n", "before_pass",
            "after_n", "after_pass"]  # fmt: skip


def coaching(sessions: pd.DataFrame, sides: pd.DataFrame, labels) -> pd.DataFrame:
    """Per session: pass rate on its focus questions before and after its date.

    Pass: full points, among answered non-N/A answers of the agent on those
    question keys; before = submitted before the session day, after = after it.
    ``sides`` has per session_id the answered (``<side>_n``) and passed
    (``<side>_passed``) counts, summed in SQL.
    """
    if sessions.empty:
        return pd.DataFrame(columns=COACHING)
    sums = {}
    if not sides.empty:
        counts = [sides[f"{side}_{c}"] for side in ("before", "after") for c in ("n", "passed")]
        sums = {int(i): tuple(row) for i, *row in zip(sides["session_id"], *counts, strict=True)}
    ids = [int(i) for i in sessions["id"]]
    out: dict[str, Any] = {
        "session_id": np.array(ids, dtype="int64"),
        "agent": [labels.get(int(i), f"#{i}") for i in sessions["agent_id"]],
        "held_on": [d.isoformat() if isinstance(d, date) else str(d)[:10]
                    for d in sessions["held_on"]],
        "focus": [", ".join(k or []) for k in sessions["focus_questions"]],
    }  # fmt: skip
    for offset, side in enumerate(("before", "after")):
        n = [_count(sums[i][2 * offset]) if i in sums else 0 for i in ids]
        passed = [_count(sums[i][2 * offset + 1]) if i in sums else 0 for i in ids]
        out[f"{side}_n"] = np.array(n, dtype="int64")
        out[f"{side}_pass"] = np.array(
            [p / k if k else float("nan") for p, k in zip(passed, n, strict=True)], dtype=float
        )
    return pd.DataFrame(out, columns=COACHING)


def chart(labels: list, series: dict[str, list], **extra) -> dict:
    """JSON for reports.js: labels, named series (None for gaps), extras."""

    def clean(values):
        return [None if v is None or pd.isna(v) else round(float(v), 2) for v in values]

    return {"labels": [str(x) for x in labels], "series": [
        {"label": name, "data": clean(values)} for name, values in series.items()
    ], **extra}  # fmt: skip
