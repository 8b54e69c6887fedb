"""AutoQA reads for the commands, the page, the scoring page and the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.models import AutoAnswer, AutoQaModel, Interaction, Scorecard, ScorecardVersion
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
