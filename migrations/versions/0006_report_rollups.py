"""report roll-ups: answers per day, team, channel, version, question; per agent, question, day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 15:00:00

The tables are filled from the existing evaluations by 0013, once the
evaluations carry the team and channel that ``rollups.rebuild`` (the backfill
``flask reports rebuild-rollups`` also runs) now reads.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_question_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("scorecard_version_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "team_id",
            "channel",
            "scorecard_version_id",
            "question_key",
            name=op.f("pk_report_question_days"),
        ),
    )
    op.create_table(
        "report_agent_question_days",
        sa.Column("agent_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "agent_id", "question_key", "day", name=op.f("pk_report_agent_question_days")
        ),
    )
    with op.batch_alter_table("report_agent_question_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_agent_question_days_counts",
            ["agent_id", "question_key", "day"],
            unique=False,
            postgresql_include=["answered", "passed"],
        )


def downgrade():
    op.drop_table("report_agent_question_days")
    op.drop_table("report_question_days")
