"""The agent's side: disputes of an evaluation and coaching sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.evaluation import Evaluation
    from qa_app.models.org import User

DISPUTE_STATUSES = ("open", "resolved", "withdrawn")
DISPUTE_OUTCOMES = ("upheld", "overturned", "partly_overturned")
ITEM_DECISIONS = ("upheld", "overturned")


class Dispute(db.Model):
    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint(check_in("status", DISPUTE_STATUSES), name="status"),
        CheckConstraint(
            f"outcome IS NULL OR {check_in('outcome', DISPUTE_OUTCOMES)}", name="outcome"
        ),
        # One open dispute per evaluation, enforced by the database itself.
        Index(
            "uq_disputes_open_evaluation",
            "evaluation_id",
            unique=True,
            sqlite_where=db.text("status = 'open'"),
            postgresql_where=db.text("status = 'open'"),
        ),
        Index("ix_disputes_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    whole_evaluation: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    total_before: Mapped[float | None]
    total_after: Mapped[float | None]
    lock_version: Mapped[int] = mapped_column(default=1)

    evaluation: Mapped[Evaluation] = relationship()
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    items: Mapped[list[DisputeItem]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="DisputeItem.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class DisputeItem(db.Model):
    """One disputed question (or, with question_key None, the whole evaluation)."""

    __tablename__ = "dispute_items"
    __table_args__ = (
        CheckConstraint(
            f"decision IS NULL OR {check_in('decision', ITEM_DECISIONS)}", name="decision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(12))
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    dispute: Mapped[Dispute] = relationship(back_populates="items")


coaching_evaluations = Table(
    "coaching_evaluations",
    db.metadata,
    Column("session_id", ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("evaluation_id", ForeignKey("evaluations.id"), primary_key=True),
)


class CoachingSession(db.Model):
    __tablename__ = "coaching_sessions"
    __table_args__ = (
        CheckConstraint(check_in("status", ("open", "closed")), name="status"),
        Index("ix_coaching_sessions_agent_held", "agent_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date]
    focus_questions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agent_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    evaluations: Mapped[list[Evaluation]] = relationship(secondary=coaching_evaluations)
    items: Mapped[list[CoachingItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CoachingItem.id"
    )


class CoachingItem(db.Model):
    __tablename__ = "coaching_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[CoachingSession] = relationship(back_populates="items")
