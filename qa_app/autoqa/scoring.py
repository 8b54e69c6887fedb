"""``flask autoqa run``: answer every question of each interaction's scorecard
and store the answers and the auto-QA score.

The scorecard of an interaction is the one a reviewer would get by default
(``reviews.services.scorecards_for``), at its latest version. Each question is
answered by its ``auto:`` rules (detectors among them) when it has any, else
by the question key's learned model when one was trained. Every answer is
stored, trusted or not (the AutoQA page shows the untrusted ones to the
owner); the auto-QA score counts the trusted questions only, through
``scorecards.score`` (the one scoring engine, auto-fail rules included).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

import autoqa
import scorecards
from qa_app.autoqa import artefacts, frames
from qa_app.extensions import db
from qa_app.models import (
    AutoAnswer,
    AutoQaModel,
    AutoScore,
    Interaction,
    ScorecardVersion,
)
from qa_app.reviews.services import scorecards_for

BATCH = 500
DETECTORS = ("customer_sentiment", "spelling_errors_over")


@dataclass
class _Card:
    version: ScorecardVersion
    definition: scorecards.Scorecard
    models: dict[str, AutoQaModel]
    pipelines: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def questions(self) -> list[scorecards.Question]:
        return [q for q in self.definition.questions() if q.kind != "text"]

    @property
    def trusted(self) -> set[str]:
        return {k for k, m in self.models.items() if m.trusted}


def interaction_ids(*, all_: bool = False, since: datetime | None = None,
                    ids: Iterable[int] | None = None) -> list[int]:  # fmt: skip
    """Which interactions a run answers: ``ids``; or all; or those started on
    or after ``since``; or (by default) those without an auto-QA score yet."""
    if ids is not None:
        return list(ids)
    query = select(Interaction.id).order_by(Interaction.id)
    if since is not None:
        query = query.where(Interaction.started_at >= since)
    elif not all_:
        query = query.where(~select(AutoScore.id).where(
            AutoScore.interaction_id == Interaction.id).exists())  # fmt: skip
    return list(db.session.scalars(query))


def run(ids: list[int], progress: Callable[[int], None] | None = None) -> int:
    """Answer and score ``ids``, committing per batch; the number scored. Rules
    and detectors run per contact; each learned model once per batch."""
    cards: dict[tuple[str, int | None], _Card | None] = {}
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        info = frames.contacts(chunk)
        groups: dict[tuple[str, int | None], list[int]] = {}
        for interaction_id in chunk:
            if interaction_id in info:
                contact = info[interaction_id]
                groups.setdefault((contact["channel"], contact["team_id"]), []).append(
                    interaction_id
                )
        for where, members in groups.items():
            if where not in cards:
                cards[where] = _card_for(*where)
            card = cards[where]
            if card is None:
                continue
            answered = {i: _ruled(info[i], card) for i in members}
            _learned(card, members, info, answered)
            _store(card, answered)
            done += len(members)
        db.session.commit()
        if progress:
            progress(len(chunk))
    return done


def _card_for(channel: str, team_id: int | None) -> _Card | None:
    found = scorecards_for(channel, team_id)
    if not found:
        return None
    version = frames.latest_version(found[0].id)
    if version is None:
        return None
    models = {m.question_key: m for m in db.session.scalars(
        select(AutoQaModel).where(AutoQaModel.scorecard_id == found[0].id))}  # fmt: skip
    return _Card(version, scorecards.from_dict(version.definition), models)


def _pipeline(card: _Card, row: AutoQaModel) -> Any:
    """The question's learned pipeline, loaded once per process and stored
    version (reading an artefact costs about half a second)."""
    if row.question_key not in card.pipelines:
        card.pipelines[row.question_key] = _loaded(row)
    return card.pipelines[row.question_key]


_LOADED: OrderedDict[tuple[int, str], Any] = OrderedDict()
_LOADED_SIZE = 64
_LOADED_LOCK = threading.Lock()


def _loaded(row: AutoQaModel) -> Any:
    key = (row.id, row.trained_at.isoformat())
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key]
    try:
        model = artefacts.loads(row.artefact, row.meta.get("sklearn")) if row.artefact else None
    except artefacts.ArtefactError:
        model = None  # the AutoQA page says to retrain; never a failed run
    with _LOADED_LOCK:
        _LOADED[key] = model
        while len(_LOADED) > _LOADED_SIZE:
            _LOADED.popitem(last=False)
    return model


def _ruled(contact: dict[str, Any], card: _Card) -> dict[str, AutoAnswer]:
    """The answers of the questions' ``auto:`` rules (detectors among them)."""
    ruled = autoqa.answer_all(
        card.questions, contact["transcript"], contact["measures"],
        channel=contact["channel"], allowed_words=frames.allowed_words(),
    )  # fmt: skip
    rows = {}
    for key, found in ruled.items():
        question = card.definition.question(key)
        condition = question.auto[found.rule].condition
        rows[key] = AutoAnswer(
            question_key=key, value=frames.engine_value(question, found.answer),
            source="detector" if condition in DETECTORS else "rule",
            confidence=found.confidence, evidence=asdict(found.evidence), rule_index=found.rule,
        )  # fmt: skip
    return rows


def _learned(card: _Card, members: list[int], info: dict[int, dict[str, Any]],
             answered: dict[int, dict[str, AutoAnswer]]) -> None:  # fmt: skip
    """The learned models' answers for questions without rules, one batch per model."""
    learned = [q for q in card.questions if not q.auto and q.key in card.models
               and card.models[q.key].source == "model"]  # fmt: skip
    if not learned:
        return
    sides = [autoqa.split_turns(info[i]["transcript"]) for i in members]
    frame = pd.DataFrame({"agent_text": [a for a, _ in sides],
                          "customer_text": [c for _, c in sides],
                          "channel": [info[i]["channel"] for i in members]})  # fmt: skip
    for question in learned:
        row = card.models[question.key]
        pipeline = _pipeline(card, row)
        if pipeline is None:
            continue
        predicted = autoqa.predict(pipeline, frame)
        for i, value, confidence in zip(members, predicted["answer"], predicted["confidence"],
                                        strict=True):  # fmt: skip
            answered[i][question.key] = AutoAnswer(
                question_key=question.key, value=frames.engine_value(question, value),
                source="model", confidence=float(confidence), model_id=row.id,
                evidence={"turn": None, "speaker": None, "start_s": None,
                          "text": f"learned model, probability {confidence:.2f}"},
            )  # fmt: skip


def _store(card: _Card, answered: dict[int, dict[str, AutoAnswer]]) -> None:
    """Replace these interactions' auto-answers and auto-QA scores for this version."""
    version_id = card.version.id
    for table in (AutoAnswer, AutoScore):
        stale = table.interaction_id.in_(list(answered)), table.scorecard_version_id == version_id
        db.session.execute(delete(table).where(*stale))
    trusted = card.trusted
    for interaction_id, rows in answered.items():
        for row in rows.values():
            row.interaction_id, row.scorecard_version_id = interaction_id, version_id
        db.session.add_all(rows.values())
        used = sorted(k for k in trusted if k in rows)
        result = auto_score(card.definition, {k: rows[k].value for k in used})
        db.session.add(AutoScore(
            interaction_id=interaction_id, scorecard_version_id=version_id, total=result.total,
            total_before_autofail=result.total_before_autofail, auto_failed=result.auto_failed,
            questions=used,
        ))  # fmt: skip


def auto_score(definition: scorecards.Scorecard, trusted: dict[str, Any]) -> scorecards.Result:
    """The auto-QA score: the scoring engine over the trusted auto-answers only."""
    return scorecards.score(definition, trusted)
