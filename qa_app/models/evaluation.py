"""Evaluations (one reviewer's scoring of one interaction) and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
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


# A *counted* evaluation is finished work on an agent's contact: what the agent
# sees as feedback and what every report, roll-up, coverage figure, coaching
# label and sampling quota counts. A draft or a superseded draft is not finished;
# calibration work (a participant's blind answers, the facilitator's benchmark)
# measures the reviewers, not the agent. The rule is stated once, here, and
# read in three forms that the model tests hold together: ``Evaluation.counted``
# (Python on one evaluation, SQL on the mapped class), ``counted_clause`` (SQL
# over Core columns: ``Evaluation.__table__.c``, a CTE's ``.c``) and
# ``COUNTED_SQL`` (text, for the partial indexes).
COUNTED_STATUS = "submitted"
COUNTED_KINDS = ("standard", "consensus")
COUNTED_SQL = f"status = '{COUNTED_STATUS}' AND {check_in('kind', COUNTED_KINDS)}"
# Among counted evaluations, a reviewer's own work (the per-reviewer figures:
# load, leniency, disputes). A consensus evaluation is the calibration group's
# official score for the agent, published by the facilitator, and never that
# person's review.
REVIEWER_KINDS = ("standard",)
# Calibration work: a participant's blind scoring and the facilitator's key
# (sealed until the session's reveal; never counted).
CALIBRATION_KINDS = ("calibration", "benchmark")


def counted_clause(columns: Any) -> ColumnElement[bool]:
    """``Evaluation.counted`` over any evaluation columns carrying ``status``
    and ``kind``: the mapped class, ``Evaluation.__table__.c`` for the reports'
    Core queries, or a subquery's ``.c``."""
    return and_(columns.status == COUNTED_STATUS, columns.kind.in_(COUNTED_KINDS))


def reviewers_own(columns: Any) -> ColumnElement[bool]:
    """Among counted evaluations (over ``columns`` carrying ``kind``), those
    that are one reviewer's own work."""
    return columns.kind.in_(REVIEWER_KINDS)


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
        # they aggregate, filter on (``kind``: a reviewer's own work) or join by
        # (``id``: disputes, answers) lets PostgreSQL answer them from the index alone.
        Index(
            "ix_evaluations_counted_submitted",
            "submitted_at",
            postgresql_include=[
                "id",
                "interaction_id",
                "agent_id",
                "team_id",
                "channel",
                "reviewer_id",
                "kind",
                "scorecard_version_id",
                "total",
                "auto_failed",
                "time_spent_seconds",
                "critical_families",
            ],
            sqlite_where=db.text(COUNTED_SQL),
            postgresql_where=db.text(COUNTED_SQL),
        ),
        # Coverage: "has this interaction a counted evaluation?" per interaction.
        Index(
            "ix_evaluations_counted_interaction",
            "interaction_id",
            sqlite_where=db.text(COUNTED_SQL),
            postgresql_where=db.text(COUNTED_SQL),
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
    # Copied from the interaction so the reports need no join: "by agent over
    # time", and the evaluation's team and channel, which are its interaction's
    # (the contact's team at the time). Set by ``reviews.evaluations.new`` and
    # moved with the interaction by ``reviews.evaluations.follow_interactions``
    # (the import); ``tests/qa_app/rollup_check.py`` holds them equal.
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    channel: Mapped[str] = mapped_column(String(10))
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

    @hybrid_property
    def counted(self) -> bool:
        """Whether this evaluation counts (see ``COUNTED_KINDS``); as SQL on
        the class, ``db.select(Evaluation).where(Evaluation.counted)``."""
        return self.status == COUNTED_STATUS and self.kind in COUNTED_KINDS

    @counted.inplace.expression
    @classmethod
    def _counted_expression(cls) -> ColumnElement[bool]:
        return counted_clause(cls)

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
