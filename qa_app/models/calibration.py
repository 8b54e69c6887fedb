"""Calibration sessions: several reviewers score the same interactions blind."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.interaction import Interaction
    from qa_app.models.org import User
    from qa_app.models.scorecard import ScorecardVersion

CALIBRATION_STATUSES = ("open", "revealed", "closed")


class CalibrationSession(db.Model):
    __tablename__ = "calibration_sessions"
    __table_args__ = (CheckConstraint(check_in("status", CALIBRATION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_versions.id"))
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    blind: Mapped[bool] = mapped_column(default=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Statistics computed at reveal (alpha, ICC, deviations), kept for trends.
    results: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    lock_version: Mapped[int] = mapped_column(default=1)

    scorecard_version: Mapped[ScorecardVersion] = relationship()
    facilitator: Mapped[User] = relationship()
    items: Mapped[list[CalibrationItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CalibrationItem.position"
    )
    participants: Mapped[list[CalibrationParticipant]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class CalibrationItem(db.Model):
    """One interaction of a session."""

    __tablename__ = "calibration_items"
    __table_args__ = (UniqueConstraint("session_id", "interaction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_sessions.id", ondelete="CASCADE")
    )
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[CalibrationSession] = relationship(back_populates="items")
    interaction: Mapped[Interaction] = relationship()


class CalibrationParticipant(db.Model):
    __tablename__ = "calibration_participants"
    __table_args__ = (UniqueConstraint("session_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_sessions.id", ondelete="CASCADE")
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[CalibrationSession] = relationship(back_populates="participants")
    reviewer: Mapped[User] = relationship()


class CalibrationNote(db.Model):
    """Discussion note, and optionally the agreed consensus answer, per question."""

    __tablename__ = "calibration_notes"
    __table_args__ = (UniqueConstraint("session_id", "interaction_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_sessions.id", ondelete="CASCADE")
    )
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"))
    question_key: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    consensus: Mapped[Any] = mapped_column(JSONType, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
