"""Executives' targets for the operational metrics, kept as a history.

A row is never updated: setting a new target adds a row that supersedes the
previous one from its effective date, so a past period is always judged
against the target that was in force then (``qa_app.staff.targets``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from qa_app.models.org import Team, User

# The metrics a target can be set for (each defined in qa_app.staff.definitions).
TARGET_METRICS = (
    "csat_mean",
    "csat_top2",
    "fcr",
    "aht",
    "escalation_rate",
    "transfer_rate",
    "qa_score",
)


class MetricTarget(db.Model):
    __tablename__ = "metric_targets"
    __table_args__ = (
        CheckConstraint(check_in("metric", TARGET_METRICS), name="metric"),
        Index("ix_metric_targets_metric_effective", "metric", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(30))
    # None: every team (a team's own target wins over it).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(Date())
    value: Mapped[float]
    higher_is_better: Mapped[bool]
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team | None] = relationship()
    set_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MetricTarget {self.metric} team={self.team_id} from {self.effective_from}>"
