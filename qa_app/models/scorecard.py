"""Scorecards and their immutable published versions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import (
    CHANNELS,
    SCORECARD_STATUSES,
    JSONType,
    UTCDateTime,
    check_in,
    utcnow,
)

if TYPE_CHECKING:
    from qa_app.models.org import User


class Scorecard(db.Model):
    """A named scorecard; its editable draft lives here, its history in versions."""

    __tablename__ = "scorecards"
    __table_args__ = (
        CheckConstraint(check_in("status", SCORECARD_STATUSES), name="status"),
        CheckConstraint(check_in("channel", (*CHANNELS, "any")), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(10), default="any")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    # The working copy being edited; None once published with no pending edits.
    draft_definition: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)
    # AutoQA: a question's auto-answers are used when alpha reaches this (qa_app/autoqa).
    autoqa_threshold: Mapped[float] = mapped_column(default=0.667, server_default="0.667")

    versions: Mapped[list[ScorecardVersion]] = relationship(
        back_populates="scorecard", order_by="ScorecardVersion.number"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class ScorecardVersion(db.Model):
    """A published definition. Never updated or deleted once written.

    The ORM refuses changes (see the listeners below) and the database refuses
    them too (a trigger created by the migration), so evaluations pinned to a
    version can always be re-scored exactly as they were.
    """

    __tablename__ = "scorecard_versions"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    number: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    scorecard: Mapped[Scorecard] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change or delete a published version."""


@event.listens_for(ScorecardVersion, "before_update")
def _refuse_update(mapper, connection, target: ScorecardVersion) -> None:
    raise ImmutableVersionError(
        f"scorecard version {target.id} is published and cannot change; publish a new version"
    )


@event.listens_for(ScorecardVersion, "before_delete")
def _refuse_delete(mapper, connection, target: ScorecardVersion) -> None:
    raise ImmutableVersionError(f"scorecard version {target.id} is published and cannot be deleted")
