"""The review workflow around evaluations: sampling rules, assignments and
in-app notifications."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.interaction import Interaction
    from qa_app.models.org import User
    from qa_app.models.scorecard import Scorecard, ScorecardVersion

ASSIGNMENT_STATUSES = ("open", "done", "cancelled")
ASSIGNMENT_REASONS = ("sampled", "flagged", "manual", "dispute")
SAMPLING_MODES = ("random", "risk")
# How often a rule runs by itself (qa_app.reviews.recurrence); None: by hand only.
RECURRENCES = ("daily", "weekly", "biweekly", "monthly")


class SamplingRule(db.Model):
    """'N interactions per agent per period, within these filters, on this
    scorecard, spread over these reviewers'."""

    __tablename__ = "sampling_rules"
    __table_args__ = (
        CheckConstraint(check_in("mode", SAMPLING_MODES), name="mode"),
        CheckConstraint("per_agent >= 1", name="per_agent_positive"),
        CheckConstraint("period_days >= 1", name="period_positive"),
        CheckConstraint(
            "recurrence IS NULL OR " + check_in("recurrence", RECURRENCES), name="recurrence"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    per_agent: Mapped[int] = mapped_column(default=4)
    period_days: Mapped[int] = mapped_column(default=7)
    # {"team_id": int|None, "channel": str|None, "min_duration": int|None,
    #  "csat_max": int|None, "escalated": bool|None}
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reviewer_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    mode: Mapped[str] = mapped_column(String(10), default="random")
    due_days: Mapped[int] = mapped_column(default=3)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The review cycle: the rule runs by itself at ``run_at`` in ``time_zone``
    # when each period ends (qa_app.reviews.cycles), from ``cycle_since`` on.
    recurrence: Mapped[str | None] = mapped_column(String(10))
    run_at: Mapped[time] = mapped_column(Time(), default=time(6, 0))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    cycle_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Open assignments of the previous cycles: kept (due date moved on) or cancelled.
    carry_over: Mapped[bool] = mapped_column(default=True)
    # {"<reviewer id>": evaluations per cycle}: spreads the work, shown on their home.
    reviewer_goals: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)

    scorecard: Mapped[Scorecard] = relationship()


class ReviewCycleRun(db.Model):
    """One period of a recurring rule, sampled once. The row is inserted before
    the period's assignments, in their transaction: a second worker running the
    same period fails on the unique key and creates nothing."""

    __tablename__ = "review_cycle_runs"
    __table_args__ = (UniqueConstraint("rule_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("sampling_rules.id", ondelete="CASCADE"))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created: Mapped[int] = mapped_column(default=0)
    carried: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    problem: Mapped[str] = mapped_column(Text, default="")


class Assignment(db.Model):
    """One interaction to be reviewed by one reviewer on one scorecard version."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(check_in("status", ASSIGNMENT_STATUSES), name="status"),
        CheckConstraint(check_in("reason", ASSIGNMENT_REASONS), name="reason"),
        Index("ix_assignments_reviewer_status_due", "reviewer_id", "status", "due_at"),
        Index("ix_assignments_status_due", "status", "due_at"),
        # At most one open assignment per interaction: sampling never hands the
        # same contact to two reviewers at once.
        Index(
            "uq_assignments_open_interaction",
            "interaction_id",
            unique=True,
            sqlite_where=db.text("status = 'open'"),
            postgresql_where=db.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_versions.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_rules.id"), index=True)
    cycle_run_id: Mapped[int | None] = mapped_column(ForeignKey("review_cycle_runs.id"), index=True)
    reason: Mapped[str] = mapped_column(String(12), default="manual")
    status: Mapped[str] = mapped_column(String(10), default="open")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    interaction: Mapped[Interaction] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    scorecard_version: Mapped[ScorecardVersion] = relationship()


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
