"""What AutoQA reads from the database, as plain data for the ``autoqa`` core."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from flask import current_app
from sqlalchemy import select

import scorecards
from qa_app.extensions import db
from qa_app.models import Answer, Evaluation, Interaction, Recording, Scorecard, ScorecardVersion
from qa_app.models.evaluation import counted_clause

NOMINAL = ("yes_no", "choice")


def latest_version(scorecard_id: int) -> ScorecardVersion | None:
    return db.session.scalar(
        select(ScorecardVersion)
        .where(ScorecardVersion.scorecard_id == scorecard_id)
        .order_by(ScorecardVersion.number.desc())
        .limit(1)
    )


def human_answers(card: Scorecard) -> pd.DataFrame:
    """Every submitted human answer (counted evaluations) to any version of
    ``card``: key, unit (interaction id), rater (reviewer id), value, at
    (when the contact started). Across versions by question key."""
    rows = db.session.execute(
        select(
            Answer.question_key,
            Evaluation.interaction_id,
            Evaluation.reviewer_id,
            Answer.value,
            Interaction.started_at,
        )
        .join(Evaluation, Evaluation.id == Answer.evaluation_id)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .join(Interaction, Interaction.id == Evaluation.interaction_id)
        .where(counted_clause(Evaluation), ScorecardVersion.scorecard_id == card.id)
        .order_by(Evaluation.submitted_at)
    ).all()
    frame = pd.DataFrame(rows, columns=["key", "unit", "rater", "value", "at"])
    keep = frame["value"].notna() & (frame["value"] != "na") & (frame["value"] != "")
    return frame.loc[keep].reset_index(drop=True)


def contacts(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """id -> transcript, channel, team, measures (of its recording, if any)."""
    ids = list(ids)
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.session.execute(
            select(
                Interaction.id,
                Interaction.transcript,
                Interaction.channel,
                Interaction.team_id,
                Interaction.external_id,
                Interaction.started_at,
            ).where(Interaction.id.in_(chunk))
        ):
            found[row.id] = {"transcript": row.transcript or [], "channel": row.channel,
                             "team_id": row.team_id, "external_id": row.external_id,
                             "started_at": row.started_at, "measures": {}}  # fmt: skip
        for interaction_id, measures in db.session.execute(
            select(Recording.interaction_id, Recording.measures).where(
                Recording.interaction_id.in_(chunk)
            )
        ):
            if interaction_id in found:
                found[interaction_id]["measures"] = measures or {}
    return found


def allowed_words() -> frozenset[str]:
    """The team's product words, never counted as misspelt (``AUTOQA_ALLOWED_WORDS``)."""
    return frozenset(current_app.config.get("AUTOQA_ALLOWED_WORDS") or ())


def engine_value(question: scorecards.Question, value: Any) -> Any:
    """A stored or predicted answer as the scoring engine takes it (a scale
    value is an int, anything else a string)."""
    if value is None or value == "na":
        return value
    if question.kind == "scale":
        return int(float(value))
    return str(value)


def rating(question: scorecards.Question, value: Any) -> Any:
    """An answer as the agreement statistics compare it."""
    return float(value) if question.kind == "scale" else str(value)
