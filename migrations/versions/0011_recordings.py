"""recordings: one audio file per interaction, its checksum, transcript and measures

Revision ID: 0011_recordings
Revises: 0010
Create Date: 2026-12-07 23:40:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_recordings"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=80), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("codec", sa.String(length=20), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Double(), nullable=False),
        sa.Column("agent_channel", sa.String(length=5), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("transcript", JSON, nullable=False),
        sa.Column("transcript_model", sa.String(length=200), nullable=True),
        sa.Column("transcribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("silenced", JSON, nullable=False),
        sa.Column("measures", JSON, nullable=False),
        sa.CheckConstraint(
            "agent_channel IS NULL OR agent_channel IN ('left', 'right')",
            name=op.f("ck_recordings_agent_channel"),
        ),
        sa.CheckConstraint("channels IN (1, 2)", name=op.f("ck_recordings_channels")),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_recordings_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_recordings_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_recordings_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_recordings_interaction_id")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_recordings_storage_name")),
    )


def downgrade():
    op.drop_table("recordings")
