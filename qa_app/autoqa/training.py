"""``flask autoqa train``: per question key of a scorecard, learn a model from
people's answers and judge the rules and the model on the held-out period.

Per question (not text), from the submitted human answers to its key across
the scorecard's versions: the contacts are put in time order and the latest
fifth is held out (``autoqa.held_out``, the same cut ``autoqa.train`` makes).
On those contacts only, the question's rules (if it has an ``auto:`` block)
and the learned model (if one could be trained) each become one more rater
beside the reviewers, and ``autoqa.agreement`` measures them. The figures of
the source ``run`` will use (the rules when there are any, else the model)
decide the verdict against the scorecard's threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from flask import current_app
from sqlalchemy import select

import autoqa
import scorecards
from qa_app.autoqa import artefacts, frames
from qa_app.extensions import db
from qa_app.models import AutoQaModel, Scorecard, utcnow

KEPT_DISAGREEMENTS = 50


def train_scorecard(
    card: Scorecard, echo: Callable[[str], None] = lambda _: None
) -> list[AutoQaModel]:
    """Train and judge every answerable question of ``card``; one stored row
    per question with a source (rules or a model). Committed once at the end."""
    version = frames.latest_version(card.id)
    if version is None:
        return []
    definition = scorecards.from_dict(version.definition)
    humans = frames.human_answers(card)
    info = frames.contacts(humans["unit"].unique().tolist()) if not humans.empty else {}
    existing = {
        row.question_key: row
        for row in db.session.scalars(
            select(AutoQaModel).where(AutoQaModel.scorecard_id == card.id)
        )
    }
    stored = []
    for question in definition.questions():
        if question.kind == "text":
            continue
        mine = humans.loc[humans["key"] == question.key]
        row = _judge(card, question, mine, info, existing.get(question.key))
        if row is None:
            echo(f"  {question.key}: no rules and no model (too few answers of each kind)")
            continue
        db.session.add(row)
        stored.append(row)
        echo(f"  {question.key}: {row.source}, {row.reason}")
    db.session.commit()
    return stored


def _judge(
    card: Scorecard,
    question: scorecards.Question,
    humans: pd.DataFrame,
    info: dict[int, dict[str, Any]],
    row: AutoQaModel | None,
) -> AutoQaModel | None:
    units = _units(humans, info)
    figures: dict[str, Any] = {}
    disagreements: dict[str, list] = {}
    held = units.loc[_late(units)] if not units.empty else units
    if question.auto:
        auto = {u: autoqa.answer(question, info[u]["transcript"], info[u]["measures"],
                                 channel=info[u]["channel"], allowed_words=frames.allowed_words())
                for u in held["unit"]}  # fmt: skip
        given = {u: (a.answer, asdict(a.evidence)) for u, a in auto.items() if a is not None}
        figures["rule"], disagreements["rule"] = _measure(
            question, humans, given, card.autoqa_threshold
        )
    trained = autoqa.train(question.key, units) if not units.empty else None
    if trained is not None:
        given = {int(r.unit): (r.predicted, _model_evidence(r.confidence))
                 for r in trained.held_out.itertuples()}  # fmt: skip
        figures["model"], disagreements["model"] = _measure(
            question, humans, given, card.autoqa_threshold
        )
    source = "rule" if question.auto else "model" if trained is not None else None
    if source is None:
        return None
    if row is None:
        row = AutoQaModel(scorecard_id=card.id, question_key=question.key)
    row.source = source
    row.artefact = artefacts.dumps(trained.model) if trained is not None else None
    row.meta = {"sklearn": sklearn.__version__, "model_answers": list(map(str, trained.answers))
                if trained else [], "trained_on": trained.trained_on if trained else 0,
                "calibrated": bool(trained.calibrated) if trained else False,
                "human_answers": len(humans), "contacts": len(units)}  # fmt: skip
    row.figures = figures
    row.disagreements = disagreements.get(source, [])
    row.threshold = card.autoqa_threshold
    row.trained_at = utcnow()
    found = figures[source]
    row.trusted, row.reason = found["trusted"], found["reason"][:300]
    return row


def _units(humans: pd.DataFrame, info: dict[int, dict[str, Any]]) -> pd.DataFrame:
    """One row per contact for ``autoqa.train``: its latest human answer."""
    if humans.empty:
        return pd.DataFrame(columns=["unit", "at", "agent_text", "customer_text", "channel",
                                     "answer"])  # fmt: skip
    last = humans.drop_duplicates("unit", keep="last")
    rows = []
    for r in last.itertuples():
        agent, customer = autoqa.split_turns(info[r.unit]["transcript"])
        rows.append({"unit": int(r.unit), "at": r.at, "agent_text": agent,
                     "customer_text": customer, "channel": info[r.unit]["channel"],
                     "answer": str(r.value)})  # fmt: skip
    return pd.DataFrame(rows)


def _late(units: pd.DataFrame) -> pd.Series:
    return autoqa.held_out(units["at"])


def _model_evidence(confidence: float) -> dict[str, Any]:
    return {"turn": None, "speaker": None, "start_s": None,
            "text": f"learned model, probability {confidence:.2f}"}  # fmt: skip


def _measure(
    question: scorecards.Question,
    humans: pd.DataFrame,
    given: dict[int, tuple[Any, dict]],
    threshold: float,
) -> tuple[dict[str, Any], list]:
    """The agreement of ``given`` (unit -> auto answer, evidence) with the
    humans on those units, JSON-ready with the verdict; and the disagreements."""
    people = humans.loc[humans["unit"].isin(given)]
    long = pd.concat([
        pd.DataFrame({"unit": people["unit"], "rater": people["rater"].astype(str),
                      "value": [frames.rating(question, v) for v in people["value"]]}),
        pd.DataFrame({"unit": list(given), "rater": autoqa.gate.AUTO,
                      "value": [frames.rating(question, a) for a, _ in given.values()]}),
    ], ignore_index=True)  # fmt: skip
    resamples = int(current_app.config.get("AUTOQA_RESAMPLES", 1000))
    found = autoqa.agreement(question, long, resamples=resamples)
    verdict = autoqa.verdict(found, threshold=threshold)
    figures = {**_json(asdict(found)), "trusted": verdict.trusted, "reason": verdict.reason}
    wrong = []
    for r in people.itertuples():
        auto, evidence = given[r.unit]
        if frames.rating(question, auto) != frames.rating(question, r.value):
            wrong.append(
                {
                    "interaction_id": int(r.unit),
                    "reviewer_id": int(r.rater),
                    "human": _plain(r.value),
                    "auto": _plain(auto),
                    "evidence": evidence,
                }
            )
    return figures, wrong[:KEPT_DISAGREEMENTS]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
