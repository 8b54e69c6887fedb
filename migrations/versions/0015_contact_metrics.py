"""contact metrics: topic, region, hold and wrap-up time, transfer and explicit FCR
on interactions; executives' metric targets

Revision ID: 0015_contact_metrics
Revises: 0014_review_cycles
Create Date: 2026-12-08 00:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_contact_metrics"
down_revision = "0014_review_cycles"
branch_labels = None
depends_on = None


METRICS = ("csat_mean", "csat_top2", "fcr", "aht", "escalation_rate", "transfer_rate", "qa_score")


def upgrade():
    op.create_table(
        "metric_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=30), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "metric IN (" + ", ".join(f"'{m}'" for m in METRICS) + ")",
            name=op.f("ck_metric_targets_metric"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_metric_targets_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_metric_targets_set_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_targets")),
    )
    op.create_index(
        "ix_metric_targets_metric_effective",
        "metric_targets",
        ["metric", "effective_from"],
        unique=False,
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("hold_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("wrap_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("transferred", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("resolved_first_contact", sa.Boolean(), nullable=True))
        batch_op.create_check_constraint(
            "hold_non_negative", "hold_seconds IS NULL OR hold_seconds >= 0"
        )
        batch_op.create_check_constraint(
            "wrap_non_negative", "wrap_seconds IS NULL OR wrap_seconds >= 0"
        )


def downgrade():
    op.drop_index("ix_metric_targets_metric_effective", table_name="metric_targets")
    op.drop_table("metric_targets")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_constraint("wrap_non_negative", type_="check")
        batch_op.drop_constraint("hold_non_negative", type_="check")
        batch_op.drop_column("resolved_first_contact")
        batch_op.drop_column("transferred")
        batch_op.drop_column("wrap_seconds")
        batch_op.drop_column("hold_seconds")
        batch_op.drop_column("region")
        batch_op.drop_column("topic")
