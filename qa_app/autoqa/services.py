"""AutoQA reads for the commands, the page, the scoring page and the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import autoqa
import scorecards
from calibration import Interval, Stat
from qa_app import audit
from qa_app.autoqa import frames
from qa_app.extensions import db
from qa_app.models import (
    AutoAnswer,
    AutoQaModel,
    Interaction,
    Scorecard,
    ScorecardVersion,
    User,
)
from qa_app.models.evaluation import COUNTED_KINDS
from qa_app.scorecards.drafts import slug

EXPORT_HEADER = ("external_id", "scorecard", "question_key", "answer", "confidence", "source")


class AutoQaError(Exception):
    """A request AutoQA cannot do (an unknown scorecard...), with the reason."""


def scorecard_slug(card: Scorecard) -> str:
    return slug(card.name, set(), "scorecard")


def find_scorecard(name: str) -> Scorecard:
    """A scorecard by its slug (its name in lower case with dashes) or id."""
    cards = db.session.scalars(select(Scorecard).order_by(Scorecard.id)).all()
    found = [c for c in cards if scorecard_slug(c) == name or str(c.id) == name]
    if not found:
        known = ", ".join(scorecard_slug(c) for c in cards) or "none"
        raise AutoQaError(f"no scorecard {name!r} (known: {known})")
    return found[0]


def published_scorecards() -> list[Scorecard]:
    return list(
        db.session.scalars(
            select(Scorecard).where(Scorecard.status == "published").order_by(Scorecard.name)
        )
    )


def export_rows() -> Iterator[tuple[Any, ...]]:
    """Every stored auto-answer, by interaction, as ``EXPORT_HEADER``."""
    names: dict[int, str] = {}
    query = (
        select(Interaction.external_id, ScorecardVersion.scorecard_id, AutoAnswer.question_key,
               AutoAnswer.value, AutoAnswer.confidence, AutoAnswer.source)
        .join(Interaction, Interaction.id == AutoAnswer.interaction_id)
        .join(ScorecardVersion, ScorecardVersion.id == AutoAnswer.scorecard_version_id)
        .order_by(AutoAnswer.interaction_id, AutoAnswer.id)
    )  # fmt: skip
    for external_id, card_id, key, value, confidence, source in db.session.execute(
        query.execution_options(yield_per=1000)
    ):
        if card_id not in names:
            names[card_id] = scorecard_slug(db.session.get(Scorecard, card_id))
        yield external_id, names[card_id], key, value, round(confidence, 4), source


def trusted_answers(interaction_id: int, version_id: int) -> dict[str, AutoAnswer]:
    """The interaction's auto-answers on this version whose question is trusted
    now (the gate, read at the moment of use): what a reviewer sees pre-filled."""
    rows = db.session.execute(
        select(AutoAnswer)
        .join(ScorecardVersion, ScorecardVersion.id == AutoAnswer.scorecard_version_id)
        .join(AutoQaModel, (AutoQaModel.scorecard_id == ScorecardVersion.scorecard_id)
              & (AutoQaModel.question_key == AutoAnswer.question_key))
        .where(AutoAnswer.interaction_id == interaction_id,
               AutoAnswer.scorecard_version_id == version_id, AutoQaModel.trusted.is_(True))
    ).scalars()  # fmt: skip
    return {row.question_key: row for row in rows}


@dataclass(frozen=True)
class QuestionRow:
    """One question on the AutoQA page."""

    key: str
    text: str
    source: str  # "rules", "model" or "none"
    state: str  # "trusted", "not reliable yet", "not trained"
    reason: str
    figures: dict[str, Any] | None  # the used source's figures; None when not shown
    disagreements: list[dict[str, Any]]
    trained_at: Any


def sees_untrusted(viewer: User, card: Scorecard) -> bool:
    """The scorecard's owner (and admins) see untrusted questions' figures."""
    return viewer.role == "admin" or viewer.id == card.created_by_id


def question_rows(card: Scorecard, viewer: User) -> list[QuestionRow]:
    """Every answerable question of the card's latest version, with its source,
    the held-out figures, the threshold's verdict and the disagreements."""
    version = frames.latest_version(card.id)
    if version is None:
        return []
    stored = {
        m.question_key: m
        for m in db.session.scalars(select(AutoQaModel).where(AutoQaModel.scorecard_id == card.id))
    }
    owner = sees_untrusted(viewer, card)
    rows = []
    for question in scorecards.from_dict(version.definition).questions():
        if question.kind == "text":
            continue
        model = stored.get(question.key)
        source = "rules" if question.auto else "model" if model is not None else "none"
        if model is None:
            rows.append(QuestionRow(question.key, question.text, source, "not trained",
                                    "run flask autoqa train", None, [], None))  # fmt: skip
            continue
        shown = model.trusted or owner
        rows.append(QuestionRow(
            question.key, question.text, source,
            "trusted" if model.trusted else "not reliable yet", model.reason if shown else "",
            model.figures.get(model.source) if shown else None,
            model.disagreements if shown else [], model.trained_at,
        ))  # fmt: skip
    return rows


def set_threshold(actor: User, card: Scorecard, threshold: float) -> int:
    """Change the card's threshold and re-judge its stored figures at once (no
    retraining: the figures do not change, only the bar). Audited. Returns how
    many questions are trusted now."""
    if not 0.0 <= threshold <= 1.0:
        raise AutoQaError("The threshold is an alpha between 0 and 1.")
    before = card.autoqa_threshold
    card.autoqa_threshold = threshold
    trusted = 0
    for model in db.session.scalars(select(AutoQaModel).where(AutoQaModel.scorecard_id == card.id)):
        found = model.figures.get(model.source)
        model.threshold = threshold
        if found:
            verdict = autoqa.verdict(agreement_from(found), threshold=threshold)
            model.trusted, model.reason = verdict.trusted, verdict.reason[:300]
        trusted += model.trusted
    audit.record(actor, "autoqa.threshold_changed", "scorecard", card.id,
                 {"threshold": before}, {"threshold": threshold})  # fmt: skip
    db.session.commit()
    return trusted


def agreement_from(figures: dict[str, Any]) -> autoqa.Agreement:
    """The stored (JSON) figures back as the gate's ``Agreement``."""
    return autoqa.Agreement(
        figures["question"], figures["pairs"],
        Stat(**figures["percent"]), Interval(**figures["percent_interval"]),
        Stat(**figures["alpha"]), Interval(**figures["alpha_interval"]),
        Stat(**figures["gwet"]), Interval(**figures["gwet_interval"]), figures.get("paradox"),
    )  # fmt: skip


def suggestions(evaluation: Any, card: scorecards.Scorecard) -> dict[str, AutoAnswer]:
    """The trusted auto-answers a reviewer sees pre-filled on a draft: never in
    calibration (blind work), never on a submitted evaluation, never an answer
    the evaluation's version does not offer. One query."""
    if (evaluation.status != "draft" or evaluation.kind not in COUNTED_KINDS
            or evaluation.calibration_session_id is not None):  # fmt: skip
        return {}
    found = trusted_answers(evaluation.interaction_id, evaluation.scorecard_version_id)
    offered = {q.key: set(q.answers()) for q in card.questions() if q.kind != "text"}
    return {k: a for k, a in found.items() if a.value in offered.get(k, ())}
