"""Customer interactions: the calls, chats and e-mails that get reviewed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import CHANNELS, JSONType, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.org import Team, User


class Interaction(db.Model):
    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        CheckConstraint(check_in("channel", CHANNELS), name="channel"),
        CheckConstraint("csat IS NULL OR (csat BETWEEN 1 AND 5)", name="csat_range"),
        CheckConstraint("duration_seconds >= 0", name="duration_non_negative"),
        CheckConstraint("hold_seconds IS NULL OR hold_seconds >= 0", name="hold_non_negative"),
        CheckConstraint("wrap_seconds IS NULL OR wrap_seconds >= 0", name="wrap_non_negative"),
        # The list pages filter by agent or team and sort by time, newest first;
        # the id breaks ties so keyset pagination is stable.
        Index("ix_interactions_agent_started", "agent_id", "started_at", "id"),
        Index("ix_interactions_team_started", "team_id", "started_at", "id"),
        # The Operations tab's coverage counts a period's interactions per agent
        # and team (filtered by channel): carried in the index, it reads no rows.
        Index(
            "ix_interactions_started",
            "started_at",
            "id",
            postgresql_include=["agent_id", "team_id", "channel"],
        ),
        # Reports join each counted evaluation to its interaction for the team
        # and channel: with both carried in the index the join never reads rows.
        Index("ix_interactions_id_team_channel", "id", postgresql_include=["team_id", "channel"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(60), default="manual")
    external_id: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[int] = mapped_column(default=0)
    customer_ref: Mapped[str | None] = mapped_column(String(120))
    # [{"speaker": "agent"|"customer", "text": str, "start_s": float|None}, ...]
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    csat: Mapped[int | None]
    escalated: Mapped[bool | None]
    # The contact-centre measures a source may give (all optional; see
    # DOMAIN.md "Interaction import format" and metrics/): the contact reason,
    # the customer's region, hold and after-call work added to the talk time
    # for handle time, a transfer, and an explicit first-contact resolution
    # that wins over the one derived from repeat contacts by ``customer_ref``.
    topic: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    hold_seconds: Mapped[int | None]
    wrap_seconds: Mapped[int | None]
    transferred: Mapped[bool | None]
    resolved_first_contact: Mapped[bool | None]
    # "metadata" is reserved by declarative classes, hence the attribute name.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the retention period emptied the transcript (qa_app/privacy/retention.py).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    team: Mapped[Team | None] = relationship()

    def __repr__(self) -> str:
        return f"<Interaction {self.source}:{self.external_id}>"
