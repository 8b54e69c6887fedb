"""A revealed session as one CSV table: answers, totals and statistics.

One rectangular table (columns ``record, interaction, question, reviewer,
statistic, value, detail``) so a spreadsheet filter on ``record`` gives each
part. An undefined statistic has an empty value and "undefined: <reason>" as
its detail, never 0 or NaN. Text that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) is prefixed with an apostrophe;
numbers we computed are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from calibration import Stat, interpret_alpha
from qa_app.calibration.results import Results
from qa_app.models import CalibrationSession
from qa_app.spreadsheet import neutralise

HEADER = ["record", "interaction", "question", "reviewer", "statistic", "value", "detail"]


def _stat(record: str, statistic: str, stat: Stat, *, question: str = "", reading=False):
    if stat.value is None:
        return [record, "", question, "", statistic, None, f"undefined: {stat.reason}"]
    detail = interpret_alpha(stat.value) if reading else (stat.detail or "")
    return [record, "", question, "", statistic, stat.value, detail]


def rows(session: CalibrationSession, results: Results) -> Iterator[list[Any]]:
    names = {u.id: u.name for u in results.raters}
    ext = {i.id: i.external_id for i in results.items}
    for interaction in results.items:
        for row in results.rows.get(interaction.id, []):
            for rater in results.raters:
                if rater.id in row.answers:
                    value = row.answers[rater.id]
                    comment = row.comments.get(rater.id, "")
                    yield ["answer", ext[interaction.id], row.question.key, names[rater.id],
                           "", value, comment]  # fmt: skip
            if row.benchmark is not None:
                yield ["answer", ext[interaction.id], row.question.key, "benchmark", "",
                       row.benchmark, ""]  # fmt: skip
            if row.agreement is not None:
                yield ["agreement", ext[interaction.id], row.question.key, "",
                       "percent_agreement", row.agreement, ""]  # fmt: skip
    for interaction in results.items:
        for rater_id, total in results.totals.get(interaction.id, {}).items():
            yield ["total", ext[interaction.id], "", names.get(rater_id, rater_id), "", total, ""]
        key = results.benchmark_totals.get(interaction.id)
        if key is not None:
            yield ["total", ext[interaction.id], "", "benchmark", "", key, ""]
        spread = results.spread.get(interaction.id)
        if spread is not None:
            for name in ("std", "range"):
                value = getattr(spread, name)
                detail = "" if value is not None else "undefined: fewer than two totals"
                yield ["spread", ext[interaction.id], "", "", name, value, detail]
    for q in results.questions:
        yield _stat("question", "percent_agreement", q.percent, question=q.question.key)
        yield _stat("question", f"krippendorff_alpha_{q.level}", q.alpha, question=q.question.key)
    for level, stat in results.alpha.items():
        yield _stat("session", f"krippendorff_alpha_{level}", stat, reading=True)
    yield _stat("session", "percent_agreement", results.percent)
    for form, stat in results.icc.items():
        yield _stat("session", form, stat)
    for r in results.reviewers:
        name = r.reviewer.name
        values = {
            "mean_deviation": r.mean,
            "mean_abs_deviation": r.mean_abs,
            "max_abs_deviation": r.max_abs,
            "benchmark_match_rate": r.match_rate,
        }
        for statistic, value in values.items():
            detail = f"reference: {results.reference}" if value is not None else "undefined"
            yield ["reviewer", "", "", name, statistic, value, detail]
        outlier = f"beyond {results.outlier_points:g} points" if r.outlier else "within"
        yield ["reviewer", "", "", name, "outlier", int(r.outlier), outlier]


def to_csv(session: CalibrationSession, results: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(session, results):
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return buffer.getvalue()
