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

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
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
    """Answer and score ``ids``, committing per batch; the number scored."""
    cards: dict[tuple[str, int | None], _Card | None] = {}
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        info = frames.contacts(chunk)
        for interaction_id in chunk:
            contact = info.get(interaction_id)
            if contact is None:
                continue
            where = (contact["channel"], contact["team_id"])
            if where not in cards:
                cards[where] = _card_for(*where)
            card = cards[where]
            if card is not None:
                _answer_one(interaction_id, contact, card)
                done += 1
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
    if row.question_key not in card.pipelines:
        try:
            model = artefacts.loads(row.artefact, row.meta.get("sklearn")) if row.artefact else None
        except artefacts.ArtefactError:
            model = None  # shown on the AutoQA page as "retrain"; never a failed run
        card.pipelines[row.question_key] = model
    return card.pipelines[row.question_key]


def _answer_one(interaction_id: int, contact: dict[str, Any], card: _Card) -> None:
    turns = contact["transcript"]
    questions = [q for q in card.definition.questions() if q.kind != "text"]
    ruled = autoqa.answer_all(
        questions,
        turns,
        contact["measures"],
        channel=contact["channel"],
        allowed_words=frames.allowed_words(),
    )
    rows: dict[str, AutoAnswer] = {}
    for question in questions:
        found = ruled.get(question.key)
        if found is not None:
            condition = question.auto[found.rule].condition
            rows[question.key] = AutoAnswer(
                question_key=question.key, value=frames.engine_value(question, found.answer),
                source="detector" if condition in DETECTORS else "rule",
                confidence=found.confidence, evidence=asdict(found.evidence),
                rule_index=found.rule,
            )  # fmt: skip
            continue
        model_row = card.models.get(question.key)
        if question.auto or model_row is None or model_row.source != "model":
            continue
        pipeline = _pipeline(card, model_row)
        if pipeline is None:
            continue
        agent, customer = autoqa.split_turns(turns)
        frame = pd.DataFrame([{"agent_text": agent, "customer_text": customer,
                               "channel": contact["channel"]}])  # fmt: skip
        predicted = autoqa.predict(pipeline, frame).iloc[0]
        confidence = float(predicted["confidence"])
        rows[question.key] = AutoAnswer(
            question_key=question.key, value=frames.engine_value(question, predicted["answer"]),
            source="model", confidence=confidence, model_id=model_row.id,
            evidence={"turn": None, "speaker": None, "start_s": None,
                      "text": f"learned model, probability {confidence:.2f}"},
        )  # fmt: skip
    _store(interaction_id, card, rows)


def _store(interaction_id: int, card: _Card, rows: dict[str, AutoAnswer]) -> None:
    """Replace the interaction's auto-answers and auto-QA score for this version."""
    version_id = card.version.id
    for table in (AutoAnswer, AutoScore):
        db.session.execute(
            delete(table).where(
                table.interaction_id == interaction_id, table.scorecard_version_id == version_id
            )
        )
    for row in rows.values():
        row.interaction_id, row.scorecard_version_id = interaction_id, version_id
        db.session.add(row)
    used = sorted(k for k in card.trusted if k in rows)
    result = auto_score(card.definition, {k: rows[k].value for k in used})
    db.session.add(AutoScore(
        interaction_id=interaction_id, scorecard_version_id=version_id, total=result.total,
        total_before_autofail=result.total_before_autofail, auto_failed=result.auto_failed,
        questions=used,
    ))  # fmt: skip


def auto_score(definition: scorecards.Scorecard, trusted: dict[str, Any]) -> scorecards.Result:
    """The auto-QA score: the scoring engine over the trusted auto-answers only."""
    return scorecards.score(definition, trusted)
