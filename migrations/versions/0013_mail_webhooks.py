"""mail and webhooks: e-mail preferences and deliveries, webhook endpoints and deliveries

Revision ID: 0013_mail_webhooks
Revises: 0012_flag_cut
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_mail_webhooks"
down_revision = "0012_flag_cut"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
STATUS = "status IN ('queued', 'sending', 'sent', 'failed')"


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "mode IN ('immediate', 'digest', 'off')", name=op.f("ck_mail_preferences_mode")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_mail_preferences_user_id_kind")),
    )
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        _when("created_at", False),
        _when("next_attempt_at", False),
        _when("claimed_at"),
        _when("sent_at"),
        sa.CheckConstraint(STATUS, name=op.f("ck_email_deliveries_status")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_deliveries_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_deliveries")),
    )
    with op.batch_alter_table("email_deliveries") as batch:
        batch.create_index("ix_email_deliveries_status_next", ["status", "next_attempt_at"])
        batch.create_index("ix_email_deliveries_user_kind", ["user_id", "kind", "created_at"])
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("kinds", JSON, nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        _when("created_at", False),
        _when("failing_since"),
        _when("paused_at"),
        sa.Column("paused_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_webhook_endpoints_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("replay_of_id", sa.Integer(), nullable=True),
        _when("created_at", False),
        _when("next_attempt_at", False),
        _when("claimed_at"),
        _when("finished_at"),
        sa.CheckConstraint(STATUS, name=op.f("ck_webhook_deliveries_status")),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["replay_of_id"],
            ["webhook_deliveries.id"],
            name=op.f("fk_webhook_deliveries_replay_of_id_webhook_deliveries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.create_index("ix_webhook_deliveries_status_next", ["status", "next_attempt_at"])
        batch.create_index("ix_webhook_deliveries_endpoint_created", ["endpoint_id", "created_at"])


def downgrade():
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("email_deliveries")
    op.drop_table("mail_preferences")
