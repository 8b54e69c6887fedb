"""autoqa: auto-answers, per-question models and figures, auto-QA scores, threshold

Revision ID: 0017_autoqa
Revises: 0016_evaluation_team_channel
Create Date: 2026-12-08 00:10:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017_autoqa"
down_revision = "0016_evaluation_team_channel"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
SOURCES = "source IN ('rule', 'model', 'detector')"


def upgrade():
    with op.batch_alter_table("scorecards") as batch:
        batch.add_column(
            sa.Column("autoqa_threshold", sa.Double(), server_default="0.667", nullable=False)
        )
    op.create_table(
        "autoqa_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("artefact", sa.LargeBinary(), nullable=True),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", JSON, nullable=False),
        sa.Column("disagreements", JSON, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("threshold", sa.Double(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.CheckConstraint(SOURCES, name=op.f("ck_autoqa_models_source")),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["scorecards.id"],
            name=op.f("fk_autoqa_models_scorecard_id_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autoqa_models")),
        sa.UniqueConstraint(
            "scorecard_id", "question_key", name=op.f("uq_autoqa_models_scorecard_id_question_key")
        ),
    )
    op.create_table(
        "auto_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_version_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("rule_index", sa.Integer(), nullable=True),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(SOURCES, name=op.f("ck_auto_answers_source")),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_auto_answers_confidence_range")
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_auto_answers_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["autoqa_models.id"],
            name=op.f("fk_auto_answers_model_id_autoqa_models"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_auto_answers_scorecard_version_id_scorecard_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_answers")),
        sa.UniqueConstraint(
            "interaction_id",
            "scorecard_version_id",
            "question_key",
            name=op.f("uq_auto_answers_interaction_id_scorecard_version_id_question_key"),
        ),
    )
    op.create_index(
        op.f("ix_auto_answers_interaction_id"), "auto_answers", ["interaction_id"], unique=False
    )
    op.create_index(
        "ix_auto_answers_version_key",
        "auto_answers",
        ["scorecard_version_id", "question_key"],
        unique=False,
    )
    op.create_table(
        "auto_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("scorecard_version_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=True),
        sa.Column("total_before_autofail", sa.Double(), nullable=True),
        sa.Column("auto_failed", sa.Boolean(), nullable=False),
        sa.Column("questions", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_auto_scores_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_version_id"],
            ["scorecard_versions.id"],
            name=op.f("fk_auto_scores_scorecard_version_id_scorecard_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auto_scores")),
        sa.UniqueConstraint(
            "interaction_id",
            "scorecard_version_id",
            name=op.f("uq_auto_scores_interaction_id_scorecard_version_id"),
        ),
    )
    op.create_index(
        op.f("ix_auto_scores_interaction_id"), "auto_scores", ["interaction_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_auto_scores_interaction_id"), table_name="auto_scores")
    op.drop_table("auto_scores")
    op.drop_index("ix_auto_answers_version_key", table_name="auto_answers")
    op.drop_index(op.f("ix_auto_answers_interaction_id"), table_name="auto_answers")
    op.drop_table("auto_answers")
    op.drop_table("autoqa_models")
    with op.batch_alter_table("scorecards") as batch:
        batch.drop_column("autoqa_threshold")
