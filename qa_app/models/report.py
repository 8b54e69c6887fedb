"""Daily roll-ups of the answers the reports count, kept exact by the write path.

The report pages aggregate millions of answers; these tables hold the same
counts already summed per day, so a page reads thousands of rows instead.
They are derived data: ``qa_app.reports.rollups`` keeps them equal to the raw
tables on every write (same transaction) and ``flask reports rebuild-rollups``
recomputes them from scratch.

``team_id`` 0 stands for "no team" (a primary key column cannot be NULL).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qa_app.extensions import db


class QuestionDay(db.Model):
    """Per UTC day of submission, team, channel, scorecard version and question key:
    answered (scored, non-N/A) answers of counted evaluations and those below full points."""

    __tablename__ = "report_question_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    team_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    scorecard_version_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)


class AgentQuestionDay(db.Model):
    """Per agent, question key and UTC day: answered and passed (full points)
    answers of counted evaluations; what coaching compares before and after."""

    __tablename__ = "report_agent_question_days"
    __table_args__ = (
        # Coaching reads one (agent, key) range of days per focus question: the
        # counts carried in the index spare a heap page per day.
        Index(
            "ix_report_agent_question_days_counts",
            "agent_id",
            "question_key",
            "day",
            postgresql_include=["answered", "passed"],
        ),
    )

    agent_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
