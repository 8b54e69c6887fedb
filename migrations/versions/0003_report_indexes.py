"""report indexes: counted evaluations, answers' points, interactions' team and channel

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COUNTED = "status = 'submitted' AND kind IN ('standard', 'consensus')"
INCLUDED = [
    "interaction_id",
    "agent_id",
    "reviewer_id",
    "scorecard_version_id",
    "total",
    "auto_failed",
    "time_spent_seconds",
    "critical_families",
]


def upgrade():
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evaluations_counted_submitted",
            ["submitted_at"],
            unique=False,
            postgresql_include=INCLUDED,
            sqlite_where=sa.text(COUNTED),
            postgresql_where=sa.text(COUNTED),
        )
        batch_op.create_index(
            "ix_evaluations_counted_interaction",
            ["interaction_id"],
            unique=False,
            sqlite_where=sa.text(COUNTED),
            postgresql_where=sa.text(COUNTED),
        )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interactions_id_team_channel",
            ["id"],
            unique=False,
            postgresql_include=["team_id", "channel"],
        )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_evaluation_points",
            ["evaluation_id", "question_key"],
            unique=False,
            postgresql_include=["earned", "possible"],
        )


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_evaluation_points")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_id_team_channel")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_evaluations_counted_interaction",
            sqlite_where=sa.text(COUNTED),
            postgresql_where=sa.text(COUNTED),
        )
        batch_op.drop_index(
            "ix_evaluations_counted_submitted",
            sqlite_where=sa.text(COUNTED),
            postgresql_where=sa.text(COUNTED),
        )
