"""A session's evaluations as the long tables of the pure ``calibration``
package, and everything the reveal page, the CSV export and the trends show.

Decisions every page relies on:

* Only SUBMITTED evaluations count; a draft, or an interaction a reviewer never
  scored, is a missing rating (alpha handles it, ICC leaves that interaction out).
* A unit is one (interaction, question); raters are participants' user ids. The
  benchmark (answer key) is rater ``BENCHMARK`` (0, never a user id): it is the
  reference for deviation and match rate and never enters alpha, percent
  agreement, spread or ICC, which measure the reviewers among themselves.
* Text questions carry no points and no agreement; they are left out.
* N/A is missing by default (``na="missing"``): "not applicable" says the
  question did not arise, not how it was answered. With ``na="category"`` it is
  a nominal category of its own for yes/no and choice questions; scale alpha is
  interval and needs numbers, so N/A stays missing there.
* Level of measurement per question kind: ``yes_no`` and ``choice`` nominal
  (unordered categories; options' points are not distances); ``scale`` interval
  (4 vs 2 is twice as far apart as 3 vs 2). The session alpha is reported per
  level: one nominal alpha over every yes/no and choice unit, one interval alpha
  over every scale unit, each scale answer placed at its position (0..1) in its
  own range so a 1-5 and a 1-10 question weigh alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

import calibration
import scorecards
from calibration import Stat
from qa_app.extensions import db
from qa_app.models import CalibrationSession, Evaluation, Interaction, User
from qa_app.models.evaluation import CALIBRATION_KINDS
from qa_app.reviews import evaluations as evaluation_service
from scorecards.model import NA

BENCHMARK = 0
NAMode = Literal["missing", "category"]
LEVEL_OF = {"yes_no": "nominal", "choice": "nominal", "scale": "interval"}
LEVEL_LABELS = {
    "nominal": "Yes/No and choice questions (nominal)",
    "interval": "Scale questions (interval)",
}
ICC_FORMS = ("ICC2", "ICC2k")
COLUMNS = ["unit", "rater", "value", "interaction", "question"]


@dataclass(frozen=True)
class Row:
    """One question of one interaction in the reveal grid."""

    interaction_id: int
    question: scorecards.Question
    answers: dict[int, Any]  # rater id -> answer; absent = missing
    comments: dict[int, str]
    benchmark: Any | None
    agreement: float | None  # share of agreeing pairs; None below two ratings
    modal: Any | None
    tied: bool

    @property
    def disagreement(self) -> bool:
        return self.agreement is not None and self.agreement < 1

    def off(self, rater_id: int) -> bool:
        """Highlight: differs from the key, or (without a key) from the majority."""
        value = self.answers.get(rater_id)
        if value is None:
            return False
        if self.benchmark is not None:
            return value != self.benchmark
        return self.disagreement and (self.tied or value != self.modal)


@dataclass(frozen=True)
class QuestionStat:
    question: scorecards.Question
    level: str
    percent: Stat
    alpha: Stat
    gwet: Stat  # AC1 (yes/no, choice) or linear AC2 (scales) over the question's full scale
    interval: calibration.Interval  # bootstrap 95 % interval of ``gwet``
    paradox: str | None  # the prevalence paradox in words, when it applies


@dataclass(frozen=True)
class ReviewerRow:
    reviewer: User
    mean: float | None  # signed: negative = harsher than the reference
    mean_abs: float | None
    max_abs: float | None
    n: int
    matches: int | None  # answers equal to the key (None without a key)
    units: int | None
    match_rate: float | None
    outlier: bool


@dataclass(frozen=True)
class Spread:
    std: float | None
    range: float | None
    min: float | None
    max: float | None
    n: int


@dataclass
class Results:
    raters: list[User]
    items: list[Interaction]
    card: scorecards.Scorecard
    rows: dict[int, list[Row]]
    totals: dict[int, dict[int, float | None]]
    benchmark_totals: dict[int, float | None]
    spread: dict[int, Spread]
    questions: list[QuestionStat]
    alpha: dict[str, Stat]
    percent: Stat
    icc: dict[str, Stat]
    reviewers: list[ReviewerRow]
    reference: str  # "benchmark" or "median"
    outlier_points: float
    na: str
    ratings: pd.DataFrame = field(repr=False)
    totals_frame: pd.DataFrame = field(repr=False)

    @property
    def has_benchmark(self) -> bool:
        return self.reference == "benchmark"


def num(value: Any) -> float | None:
    """A finite float, or None for NaN/None: pages and JSON never see NaN."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def submitted(session: CalibrationSession) -> list[Evaluation]:
    """The session's submitted calibration and benchmark evaluations."""
    query = (
        db.select(Evaluation)
        .where(
            Evaluation.calibration_session_id == session.id,
            Evaluation.kind.in_(CALIBRATION_KINDS),
            Evaluation.status == "submitted",
        )
        .order_by(Evaluation.id)
    )
    return list(db.session.scalars(query))


def frames(
    session: CalibrationSession, evals: list[Evaluation], card: scorecards.Scorecard, na: NAMode
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ratings, totals): long tables with the benchmark as rater BENCHMARK."""
    members = {p.reviewer_id for p in session.participants}
    items = {item.interaction_id for item in session.items}
    scored = {q.key: q for q in card.questions() if q.kind in LEVEL_OF}
    ratings, totals = [], []
    for evaluation in evals:
        if evaluation.interaction_id not in items:
            continue
        if evaluation.kind == "benchmark":
            rater = BENCHMARK
        elif evaluation.reviewer_id in members:
            rater = evaluation.reviewer_id
        else:
            continue
        totals.append((evaluation.interaction_id, rater, evaluation.total))
        for answer in evaluation.answers:
            question = scored.get(answer.question_key)
            if question is None or answer.value is None:
                continue
            if answer.value == NA and (na == "missing" or question.kind == "scale"):
                continue
            unit = f"{evaluation.interaction_id}:{question.key}"
            ratings.append((unit, rater, answer.value, evaluation.interaction_id, question.key))
    ratings_frame = pd.DataFrame(ratings, columns=COLUMNS, dtype=object)
    totals_frame = pd.DataFrame(totals, columns=["interaction", "rater", "total"])
    totals_frame["total"] = pd.to_numeric(totals_frame["total"]).astype(float)
    return ratings_frame, totals_frame


def _position(frame: pd.DataFrame, card: scorecards.Scorecard) -> pd.DataFrame:
    """Scale answers as their position 0..1 in the question's own range."""
    ranges = {q.key: q.scale_range for q in card.questions() if q.kind == "scale"}
    values = [
        (int(v) - ranges[k][0]) / (ranges[k][1] - ranges[k][0])
        for v, k in zip(frame["value"], frame["question"], strict=True)
    ]
    return frame.assign(value=pd.Series(values, index=frame.index, dtype=float))


def compute(
    session: CalibrationSession, *, outlier_points: float = 5.0, na: NAMode = "missing"
) -> Results:
    """Every statistic of the reveal page, from the session's submitted evaluations."""
    card = evaluation_service.card_for(session.scorecard_version)
    evals = submitted(session)
    all_ratings, all_totals = frames(session, evals, card, na)
    ratings = all_ratings.loc[all_ratings["rater"] != BENCHMARK]
    key = all_ratings.loc[all_ratings["rater"] == BENCHMARK]
    totals = all_totals.loc[all_totals["rater"] != BENCHMARK]
    key_totals = all_totals.loc[all_totals["rater"] == BENCHMARK]
    has_key = bool(key_totals["total"].notna().any())

    raters = sorted((p.reviewer for p in session.participants), key=lambda u: (u.name, u.id))
    items = [item.interaction for item in session.items]
    kinds = {q.key: q.kind for q in card.questions()}

    questions = []
    for question in card.questions():
        if question.kind not in LEVEL_OF:
            continue
        sub = ratings.loc[ratings["question"] == question.key]
        level = LEVEL_OF[question.kind]
        alpha_q = calibration.krippendorff_alpha(sub, level)
        gwet, interval = _gwet(question, sub)
        questions.append(
            QuestionStat(
                question,
                level,
                calibration.percent_agreement(sub),
                alpha_q,
                gwet,
                interval,
                calibration.prevalence_paradox(sub, alpha_q, gwet) if level == "nominal" else None,
            )
        )
    alpha: dict[str, Stat] = {}
    nominal = [k for k, kind in kinds.items() if LEVEL_OF.get(kind) == "nominal"]
    scale = [k for k, kind in kinds.items() if kind == "scale"]
    if nominal:
        sub = ratings.loc[ratings["question"].isin(nominal)]
        alpha["nominal"] = calibration.krippendorff_alpha(sub, "nominal")
    if scale:
        sub = _position(ratings.loc[ratings["question"].isin(scale)], card)
        alpha["interval"] = calibration.krippendorff_alpha(sub, "interval")

    icc: dict[str, Stat] = {}
    if len(items) >= 2:
        scores = totals.rename(columns={"interaction": "target", "total": "score"})
        icc = {form: calibration.icc(scores, form) for form in ICC_FORMS}

    return Results(
        raters=raters,
        items=items,
        card=card,
        rows=_rows(session, card, evals, ratings, key),
        totals=_totals(totals),
        benchmark_totals={int(i): num(t) for i, t in zip(*_cols(key_totals), strict=True)},
        spread=_spread(totals),
        questions=questions,
        alpha=alpha,
        percent=calibration.percent_agreement(ratings),
        icc=icc,
        reviewers=_reviewers(raters, all_ratings, all_totals, has_key, outlier_points),
        reference="benchmark" if has_key else "median",
        outlier_points=outlier_points,
        na=na,
        ratings=all_ratings,
        totals_frame=all_totals,
    )


def _gwet(question: scorecards.Question, sub: pd.DataFrame) -> tuple[Stat, calibration.Interval]:
    """Gwet's AC1 (AC2 with linear weights on a scale) and its bootstrap interval,
    over every answer the question offers (an unused one still counts as a
    choice the raters had), plus any other value rated (N/A as a category)."""
    offered = list(question.answers())
    categories = offered + [v for v in pd.unique(sub["value"].dropna()) if v not in offered]
    weights = "linear" if question.kind == "scale" and len(categories) == len(offered) else None
    if weights is None:
        stat = calibration.gwet_ac1(sub, categories)
    else:
        stat = calibration.gwet_ac2(sub, weights, categories)
    return stat, calibration.bootstrap_interval(sub, weights, categories, resamples=1000)


def _cols(frame: pd.DataFrame) -> tuple[list, list]:
    return frame["interaction"].tolist(), frame["total"].tolist()


def _totals(totals: pd.DataFrame) -> dict[int, dict[int, float | None]]:
    out: dict[int, dict[int, float | None]] = {}
    for interaction, rater, total in totals.itertuples(index=False):
        out.setdefault(int(interaction), {})[int(rater)] = num(total)
    return out


def _spread(totals: pd.DataFrame) -> dict[int, Spread]:
    if totals["total"].notna().sum() == 0:
        return {}
    frame = calibration.spread(totals)
    return {
        int(i): Spread(num(r["std"]), num(r["range"]), num(r["min"]), num(r["max"]), int(r["n"]))
        for i, r in frame.iterrows()
    }


def _rows(
    session: CalibrationSession,
    card: scorecards.Scorecard,
    evals: list[Evaluation],
    ratings: pd.DataFrame,
    key: pd.DataFrame,
) -> dict[int, list[Row]]:
    per_unit = calibration.per_unit_agreement(ratings) if len(ratings) else None
    answers: dict[str, dict[int, Any]] = {}
    for unit, rater, value in ratings[["unit", "rater", "value"]].itertuples(index=False):
        answers.setdefault(unit, {})[int(rater)] = value
    # N/A is not a rating, but the grid still shows it as the reviewer's answer.
    comments: dict[str, dict[int, str]] = {}
    members = {p.reviewer_id for p in session.participants}
    for evaluation in evals:
        if evaluation.kind != "calibration" or evaluation.reviewer_id not in members:
            continue
        for a in evaluation.answers:
            unit = f"{evaluation.interaction_id}:{a.question_key}"
            if a.value == NA:
                answers.setdefault(unit, {}).setdefault(evaluation.reviewer_id, a.value)
            if a.comment:
                comments.setdefault(unit, {})[evaluation.reviewer_id] = a.comment
    keyed = dict(zip(key["unit"], key["value"], strict=True))
    for evaluation in evals:  # the key's N/A answers, shown though not rated
        if evaluation.kind == "benchmark":
            for a in evaluation.answers:
                keyed.setdefault(f"{evaluation.interaction_id}:{a.question_key}", a.value)
    rows: dict[int, list[Row]] = {}
    for item in session.items:
        for question in card.questions():
            if question.kind not in LEVEL_OF:
                continue
            unit = f"{item.interaction_id}:{question.key}"
            stats = None
            if per_unit is not None and unit in per_unit.index:
                stats = per_unit.loc[unit]
            rows.setdefault(item.interaction_id, []).append(
                Row(
                    interaction_id=item.interaction_id,
                    question=question,
                    answers=answers.get(unit, {}),
                    comments=comments.get(unit, {}),
                    benchmark=keyed.get(unit),
                    agreement=None if stats is None else num(stats["agreement"]),
                    modal=None if stats is None else stats["modal"],
                    tied=False if stats is None else bool(stats["tied"]),
                )
            )
    return rows


def _reviewers(
    raters: list[User],
    ratings: pd.DataFrame,
    totals: pd.DataFrame,
    has_key: bool,
    threshold: float,
) -> list[ReviewerRow]:
    benchmark = BENCHMARK if has_key else None
    scored = totals.loc[totals["total"].notna()]
    if not has_key:
        scored = scored.loc[scored["rater"] != BENCHMARK]
    participants = scored.loc[scored["rater"] != BENCHMARK]
    if len(participants):
        dev = calibration.score_deviation(scored, benchmark)
        flagged = set(calibration.outliers(scored, threshold, benchmark).index)
    else:
        dev, flagged = pd.DataFrame(columns=["mean", "mean_abs", "max_abs", "n"]), set()
    match = None
    if has_key and (ratings["rater"] == BENCHMARK).any():
        match = calibration.benchmark_agreement(ratings, BENCHMARK)
    rows = []
    for user in raters:
        d = dev.loc[user.id] if user.id in dev.index else None
        m = match.loc[user.id] if match is not None and user.id in match.index else None
        rows.append(
            ReviewerRow(
                reviewer=user,
                mean=None if d is None else num(d["mean"]),
                mean_abs=None if d is None else num(d["mean_abs"]),
                max_abs=None if d is None else num(d["max_abs"]),
                n=0 if d is None else int(d["n"]),
                matches=None if m is None else int(m["matches"]),
                units=None if m is None else int(m["units"]),
                match_rate=None if m is None else num(m["match_rate"]),
                outlier=user.id in flagged,
            )
        )
    return rows


def stat_json(stat: Stat) -> dict[str, Any]:
    return {
        "name": stat.name,
        "detail": stat.detail,
        "value": num(stat.value),
        "reason": stat.reason,
        "n_units": stat.n_units,
        "n_raters": stat.n_raters,
    }


def summary(results: Results) -> dict[str, Any]:
    """What the session keeps in ``CalibrationSession.results`` for trends."""
    return {
        "schema": 1,
        "na": results.na,
        "reference": results.reference,
        "outlier_points": results.outlier_points,
        "alpha": {level: stat_json(s) for level, s in results.alpha.items()},
        "percent_agreement": stat_json(results.percent),
        "icc": {form: stat_json(s) for form, s in results.icc.items()},
        "spread": [
            {"interaction_id": i, "std": s.std, "range": s.range, "n": s.n}
            for i, s in results.spread.items()
        ],
        "reviewers": [
            {
                "reviewer_id": r.reviewer.id,
                "name": r.reviewer.name,
                "mean": r.mean,
                "mean_abs": r.mean_abs,
                "max_abs": r.max_abs,
                "n": r.n,
                "match_rate": r.match_rate,
                "outlier": r.outlier,
            }
            for r in results.reviewers
        ],
    }
