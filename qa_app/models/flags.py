"""Flagging models (versioned artefacts) and the flags they raise."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.interaction import Interaction

FLAG_TARGETS = ("escalation", "coaching")
MODEL_STATUSES = ("training", "ready", "failed")
FLAG_REVIEWS = ("confirmed", "dismissed")


class FlagModel(db.Model):
    __tablename__ = "flag_models"
    __table_args__ = (
        CheckConstraint(check_in("target", FLAG_TARGETS), name="target"),
        CheckConstraint(check_in("status", MODEL_STATUSES), name="status"),
        UniqueConstraint("target", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(20))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="training")
    active: Mapped[bool] = mapped_column(default=False)
    # The skops artefact; deferred so listing models never loads megabytes.
    artefact: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The budget's part of the cut (``qa_app.flags.flagged``), measured when the
    # scores change: how many the model has scored, the probability of the last
    # score the budget allows, and the budget it was measured at. NULL: not yet.
    cut_scored: Mapped[int | None]
    cut_probability: Mapped[float | None]
    cut_budget: Mapped[float | None]


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint(check_in("target", FLAG_TARGETS), name="target"),
        CheckConstraint(f"review IS NULL OR {check_in('review', FLAG_REVIEWS)}", name="review"),
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
        UniqueConstraint("interaction_id", "model_id"),
        Index("ix_flags_target_probability", "target", "probability"),
        # A model's scores in order: measuring its cut, and reading its flags.
        Index("ix_flags_model_id_probability", "model_id", "probability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("flag_models.id"))
    target: Mapped[str] = mapped_column(String(20))
    probability: Mapped[float]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    review: Mapped[str | None] = mapped_column(String(10))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    interaction: Mapped[Interaction] = relationship()
    model: Mapped[FlagModel] = relationship()
