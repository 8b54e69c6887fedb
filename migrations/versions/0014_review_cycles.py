"""review cycles: a sampling rule recurs at a local time, each period sampled once

Revision ID: 0014_review_cycles
Revises: 0013_mail_webhooks
Create Date: 2026-12-07 23:57:56

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014_review_cycles"
down_revision = "0013_mail_webhooks"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "review_cycle_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("carried", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["sampling_rules.id"],
            name=op.f("fk_review_cycle_runs_rule_id_sampling_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycle_runs")),
        sa.UniqueConstraint(
            "rule_id", "period_start", name=op.f("uq_review_cycle_runs_rule_id_period_start")
        ),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle_run_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_assignments_cycle_run_id"), ["cycle_run_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_cycle_run_id_review_cycle_runs"),
            "review_cycle_runs",
            ["cycle_run_id"],
            ["id"],
        )

    with op.batch_alter_table("sampling_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("run_at", sa.Time(), server_default="06:00:00", nullable=False)
        )
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(sa.Column("cycle_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("carry_over", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("reviewer_goals", JSON, server_default="{}", nullable=False))
        batch_op.create_check_constraint(
            "recurrence",
            "recurrence IS NULL OR recurrence IN ('daily', 'weekly', 'biweekly', 'monthly')",
        )
    # The defaults filled the existing rows; from now on the models set them.
    with op.batch_alter_table("sampling_rules", schema=None) as batch_op:
        for column in ("run_at", "time_zone", "carry_over", "reviewer_goals"):
            batch_op.alter_column(column, server_default=None)


def downgrade():
    with op.batch_alter_table("sampling_rules", schema=None) as batch_op:
        batch_op.drop_constraint("recurrence", type_="check")
        for column in (
            "reviewer_goals",
            "carry_over",
            "cycle_since",
            "time_zone",
            "run_at",
            "recurrence",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_cycle_run_id_review_cycle_runs"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_assignments_cycle_run_id"))
        batch_op.drop_column("cycle_run_id")

    op.drop_table("review_cycle_runs")
