"""The staff review as one flat table: what the XLSX and CSV exports and
``flask metrics review`` write (typed columns from ``reports.columns``)."""

from __future__ import annotations

import pandas as pd

from qa_app.reports.columns import Column
from qa_app.reports.export import columns_to_csv, sheets_to_xlsx
from qa_app.staff.definitions import METRICS, Metric
from qa_app.staff.services import Review

_KIND = {"rate": ("pct", 1), "seconds": ("number", 0), "csat": ("number", 2)}
_KIND |= {"points": ("number", 1), "count": ("count", 0)}


def _value_kind(metric: Metric) -> tuple[str, int]:
    return _KIND[metric.unit]


def columns() -> list[Column]:
    """Agent, team, then per metric: value, n, 95 % interval, change, target,
    state, rank in team and outlier mark (counts: value and change only)."""
    out = [Column("name", "Agent"), Column("team", "Team")]
    for key, metric in METRICS.items():
        kind, digits = _value_kind(metric)
        change_kind = "pct" if kind == "pct" else "signed"
        out.append(Column(key, metric.label, kind, digits))
        if key == "aht":
            out.append(Column("aht_median", "AHT median", kind, digits))
        if metric.higher_is_better is None:
            out.append(Column(f"{key}_change", f"{metric.label} change", change_kind, digits))
            continue
        out += [
            Column(f"{key}_n", f"{metric.label} n", "count"),
            Column(f"{key}_low", f"{metric.label} 95% low", kind, digits),
            Column(f"{key}_high", f"{metric.label} 95% high", kind, digits),
            Column(f"{key}_change", f"{metric.label} change", change_kind, digits),
            Column(f"{key}_target", f"{metric.label} target", kind, digits),
            Column(f"{key}_state", f"{metric.label} vs target"),
            Column(f"{key}_rank", f"{metric.label} rank in team", "count"),
            Column(f"{key}_outlier", f"{metric.label} outlier"),
        ]
    return out


def frame(review: Review) -> pd.DataFrame:
    records = []
    for row in review.rows:
        record = {"name": row["name"], "team": row["team"]}
        for key, cell in row["cells"].items():
            record[key] = cell.value
            if key == "aht":
                record["aht_median"] = cell.median
            record[f"{key}_change"] = cell.change
            if METRICS[key].higher_is_better is None:
                continue
            record[f"{key}_n"] = cell.n
            record[f"{key}_low"] = cell.low
            record[f"{key}_high"] = cell.high
            record[f"{key}_target"] = cell.target
            record[f"{key}_state"] = cell.state
            record[f"{key}_rank"] = cell.rank
            record[f"{key}_outlier"] = cell.outlier
        records.append(record)
    table = pd.DataFrame.from_records(records, columns=[c.key for c in columns()])
    return table.astype(object).where(table.notna(), None)


def definitions_frame(review: Review) -> pd.DataFrame:
    rows = [(METRICS[k].label if k in METRICS else "Small numbers", text)
            for k, text in review.definitions.items()]  # fmt: skip
    return pd.DataFrame(rows, columns=["metric", "definition"])


def to_xlsx(review: Review) -> bytes:
    definitions = [Column("metric", "Metric"), Column("definition", "Definition")]
    return sheets_to_xlsx(
        [
            (f"Staff {review.period.label}", frame(review), columns()),
            ("Definitions", definitions_frame(review), definitions),
        ]
    )


def to_csv(review: Review) -> bytes:
    return columns_to_csv(frame(review), columns())
