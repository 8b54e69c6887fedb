"""A revealed session as one CSV table: answers, totals and statistics.

One rectangular table (columns Record, Interaction, Question, Reviewer,
Statistic, Value, Detail) so a spreadsheet filter on Record gives each part.
It reads as the page does: answers by their labels, statistics under the
page's names and rounded as the page rounds them (alpha and ICC to 3 places,
points to 1, shares as whole percentages). An undefined statistic has an
empty value and "undefined: <reason>" as its detail, never 0 or NaN. Text that
a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) is prefixed with an apostrophe; the numbers we formatted are not.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from calibration import Stat, interpret_alpha
from qa_app.calibration.results import Results
from qa_app.feedback.presenters import answer_label
from qa_app.models import CalibrationSession
from qa_app.spreadsheet import neutralise

HEADER = ["Record", "Interaction", "Question", "Reviewer", "Statistic", "Value", "Detail"]

# The page's names for the statistics, and how it rounds each.
PERCENT_AGREEMENT = "Percent agreement"
REVIEWER_STATS = (
    ("mean", "Mean deviation (points)", "{:+.1f}"),
    ("mean_abs", "Mean absolute deviation (points)", "{:.1f}"),
    ("max_abs", "Largest deviation (points)", "{:.1f}"),
    ("match_rate", "Answers matching the key", "{:.0%}"),
)


class Shown(str):
    """A value we formatted (a number as the page rounds it): never neutralised."""


def _fmt(value: float | None, pattern: str) -> Shown | None:
    return None if value is None else Shown(pattern.format(value))


def alpha_name(level: str) -> str:
    return f"Krippendorff's alpha ({level})"


def _stat(record: str, statistic: str, stat: Stat, *, question: str = "", reading=False,
          percent=False):  # fmt: skip
    if stat.value is None:
        return [record, "", question, "", statistic, None, f"undefined: {stat.reason}"]
    detail = interpret_alpha(stat.value) if reading else (stat.detail or "")
    value = _fmt(stat.value, "{:.0%}" if percent else "{:.3f}")
    return [record, "", question, "", statistic, value, detail]


def rows(session: CalibrationSession, results: Results) -> Iterator[list[Any]]:
    names = {u.id: u.name for u in results.raters}
    ext = {i.id: i.external_id for i in results.items}
    for interaction in results.items:
        for row in results.rows.get(interaction.id, []):
            q = row.question
            for rater in results.raters:
                if rater.id in row.answers:
                    value = answer_label(q, row.answers[rater.id])
                    comment = row.comments.get(rater.id, "")
                    yield ["answer", ext[interaction.id], q.key, names[rater.id], "", value,
                           comment]  # fmt: skip
            if row.benchmark is not None:
                yield ["answer", ext[interaction.id], q.key, "benchmark", "",
                       answer_label(q, row.benchmark), ""]  # fmt: skip
            if row.agreement is not None:
                yield ["agreement", ext[interaction.id], q.key, "", PERCENT_AGREEMENT,
                       _fmt(row.agreement, "{:.0%}"), ""]  # fmt: skip
    for interaction in results.items:
        for rater_id, total in results.totals.get(interaction.id, {}).items():
            yield ["total", ext[interaction.id], "", names.get(rater_id, rater_id), "Score",
                   _fmt(total, "{:.1f}"), ""]  # fmt: skip
        key = results.benchmark_totals.get(interaction.id)
        if key is not None:
            yield ["total", ext[interaction.id], "", "benchmark", "Score", _fmt(key, "{:.1f}"), ""]
        spread = results.spread.get(interaction.id)
        if spread is not None:
            for name, label in (("std", "Spread: standard deviation"), ("range", "Spread: range")):
                value = getattr(spread, name)
                detail = "points" if value is not None else "undefined: fewer than two totals"
                yield ["spread", ext[interaction.id], "", "", label, _fmt(value, "{:.1f}"), detail]
    for q in results.questions:
        yield _stat("question", PERCENT_AGREEMENT, q.percent, question=q.question.key,
                    percent=True)  # fmt: skip
        yield _stat("question", alpha_name(q.level), q.alpha, question=q.question.key)
    for level, stat in results.alpha.items():
        yield _stat("session", alpha_name(level), stat, reading=True)
    yield _stat("session", PERCENT_AGREEMENT, results.percent, percent=True)
    for form, stat in results.icc.items():
        yield _stat("session", form, stat)
    reference = "benchmark" if results.reference == "benchmark" else "others' median"
    for r in results.reviewers:
        name = r.reviewer.name
        for attribute, statistic, pattern in REVIEWER_STATS:
            value = getattr(r, attribute)
            detail = f"from the {reference}" if value is not None else "undefined"
            yield ["reviewer", "", "", name, statistic, _fmt(value, pattern), detail]
        target = f"{results.outlier_points:g}"
        outlier = (
            f"mean absolute deviation beyond the ±{target}-point target"
            if r.outlier
            else f"within the ±{target}-point target"
        )
        yield ["reviewer", "", "", name, "Outlier", "yes" if r.outlier else "no", outlier]


def to_csv(session: CalibrationSession, results: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(session, results):
        writer.writerow(
            ["" if cell is None else cell if isinstance(cell, Shown) else neutralise(cell)
             for cell in row]
        )  # fmt: skip
    return buffer.getvalue()
