"""AutoQA: the machine's answers to scorecard questions, the per-question models
and agreement figures that decide whether to trust them, and the auto-QA score.

Stored apart from evaluations on purpose: an auto-answer is never a person's
answer, and nothing here is read by the human QA figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, check_in, utcnow

AUTO_SOURCES = ("rule", "model", "detector")
DEFAULT_THRESHOLD = 0.667  # Krippendorff's "tentative" reading; per scorecard


class AutoAnswer(db.Model):
    """One auto-answer to one question of an interaction's scorecard version."""

    __tablename__ = "auto_answers"
    __table_args__ = (
        CheckConstraint(check_in("source", AUTO_SOURCES), name="source"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        UniqueConstraint("interaction_id", "scorecard_version_id", "question_key"),
        Index("ix_auto_answers_version_key", "scorecard_version_id", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_versions.id"))
    question_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    source: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float]
    # {"turn": int|None, "speaker": str|None, "text": str, "start_s": float|None}
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    rule_index: Mapped[int | None]
    model_id: Mapped[int | None] = mapped_column(
        ForeignKey("autoqa_models.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AutoQaModel(db.Model):
    """Per scorecard and question key: the learned model (if any), the held-out
    agreement figures of the rules and of the model, and the gate's verdict."""

    __tablename__ = "autoqa_models"
    __table_args__ = (
        CheckConstraint(check_in("source", AUTO_SOURCES), name="source"),
        UniqueConstraint("scorecard_id", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80))
    # Which answers run uses for the question: its rules when it has any, else the model.
    source: Mapped[str] = mapped_column(String(10))
    # The skops artefact of the learned pipeline; deferred so listings stay light.
    artefact: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # {"rule": {...}, "model": {...}}: autoqa.agreement per source, JSON-ready.
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Held-out disagreements of the used source: [{unit, human, auto, evidence}]
    disagreements: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    threshold: Mapped[float]
    trusted: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(300), default="")


class AutoScore(db.Model):
    """The auto-QA score of an interaction: ``scorecards.score`` over the
    trusted questions' auto-answers only. Never an evaluation."""

    __tablename__ = "auto_scores"
    __table_args__ = (UniqueConstraint("interaction_id", "scorecard_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_versions.id"))
    total: Mapped[float | None]
    total_before_autofail: Mapped[float | None]
    auto_failed: Mapped[bool] = mapped_column(default=False)
    questions: Mapped[list[str]] = mapped_column(JSONType, default=list)  # trusted keys used
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
