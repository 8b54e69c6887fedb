"""Evaluations (one reviewer's scoring of one interaction) and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import (
    EVALUATION_KINDS,
    EVALUATION_STATUSES,
    JSONType,
    UTCDateTime,
    check_in,
    utcnow,
)

if TYPE_CHECKING:
    from qa_app.models.interaction import Interaction
    from qa_app.models.org import User
    from qa_app.models.scorecard import ScorecardVersion


# The evaluations every report counts (see qa_app.reports.queries).
COUNTED = "status = 'submitted' AND kind IN ('standard', 'consensus')"


class Evaluation(db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(check_in("kind", EVALUATION_KINDS), name="kind"),
        CheckConstraint(check_in("status", EVALUATION_STATUSES), name="status"),
        CheckConstraint("total IS NULL OR (total >= 0 AND total <= 100)", name="total_range"),
        Index("ix_evaluations_reviewer_status", "reviewer_id", "status"),
        Index("ix_evaluations_agent_submitted", "agent_id", "submitted_at"),
        Index("ix_evaluations_status_submitted", "status", "submitted_at"),
        Index("ix_evaluations_interaction", "interaction_id"),
        # The reports read only counted evaluations (submitted, standard or
        # consensus) in a date window: a partial index holding every column
        # they aggregate lets PostgreSQL answer them from the index alone.
        Index(
            "ix_evaluations_counted_submitted",
            "submitted_at",
            postgresql_include=[
                "interaction_id",
                "agent_id",
                "reviewer_id",
                "scorecard_version_id",
                "total",
                "auto_failed",
                "time_spent_seconds",
                "critical_families",
            ],
            sqlite_where=db.text(COUNTED),
            postgresql_where=db.text(COUNTED),
        ),
        # Coverage: "has this interaction a counted evaluation?" per interaction.
        Index(
            "ix_evaluations_counted_interaction",
            "interaction_id",
            sqlite_where=db.text(COUNTED),
            postgresql_where=db.text(COUNTED),
        ),
        # A reviewer has at most one draft per interaction (outside calibration),
        # so a double click on "start" cannot open two evaluations.
        Index(
            "uq_evaluations_one_draft",
            "interaction_id",
            "reviewer_id",
            "kind",
            unique=True,
            sqlite_where=db.text("status = 'draft' AND calibration_session_id IS NULL"),
            postgresql_where=db.text("status = 'draft' AND calibration_session_id IS NULL"),
        ),
        # In a calibration session each reviewer scores each interaction once
        # (the facilitator also once as benchmark and once as consensus).
        Index(
            "uq_evaluations_calibration",
            "calibration_session_id",
            "interaction_id",
            "reviewer_id",
            "kind",
            unique=True,
            sqlite_where=db.text("calibration_session_id IS NOT NULL"),
            postgresql_where=db.text("calibration_session_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"))
    scorecard_version_id: Mapped[int] = mapped_column(
        ForeignKey("scorecard_versions.id"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Copied from the interaction so "by agent over time" needs no join.
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12), default="standard")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    total: Mapped[float | None]
    total_before_autofail: Mapped[float | None]
    auto_failed: Mapped[bool] = mapped_column(default=False)
    critical_families: Mapped[list[str]] = mapped_column(JSONType, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    # Why a superseded draft was closed, in words shown to its author.
    closed_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    time_spent_seconds: Mapped[int] = mapped_column(default=0)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    calibration_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("calibration_sessions.id"), index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledgement_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic lock: an UPDATE carrying a stale counter matches no row and
    # SQLAlchemy raises StaleDataError instead of overwriting someone's work.
    lock_version: Mapped[int] = mapped_column(default=1)

    interaction: Mapped[Interaction] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="Answer.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    def answer_map(self) -> dict[str, Any]:
        return {a.question_key: a.value for a in self.answers}


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "question_key"),
        # Reports aggregate the answers of a set of evaluations (per question
        # key, or a few keys): index-only with the points carried along.
        Index(
            "ix_answers_evaluation_points",
            "evaluation_id",
            "question_key",
            postgresql_include=["earned", "possible"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80), index=True)
    # The answer as the scorecard engine takes it: "yes", "no", "na", 3, "option"
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    earned: Mapped[float | None]
    possible: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    evaluation: Mapped[Evaluation] = relationship(back_populates="answers")
