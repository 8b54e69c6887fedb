"""flag_models: the stored cut (scores counted, probability at the budget, that
budget); flags: an index on (model_id, probability)

The budget's part of each model's cut (``qa_app.flags.flagged``) was a count and an
``ORDER BY probability DESC OFFSET budget-1`` over all its scores on every read of
the Flagged queue, the reviewer's home, Operations and the API (about 215 ms per
model at a million scores). It is now measured when the scores change and stored
on the model's row. The composite index serves that measurement (an index-only
scan) and the readers' ``model_id = ? AND probability >= ?``; it replaces the
index on model_id alone, its prefix.

Revision ID: 0012_flag_cut
Revises: 0011_recordings
Create Date: 2026-12-07 23:40:00

"""

import json
import math

import sqlalchemy as sa
from alembic import op

revision = "0012_flag_cut"
down_revision = "0011_recordings"
branch_labels = None
depends_on = None

DEFAULT_BUDGET = 0.05  # qa_app.config.Config.FLAG_BUDGET


def _configured_budget() -> float:
    try:
        from flask import current_app

        return float(current_app.config.get("FLAG_BUDGET", DEFAULT_BUDGET))
    except RuntimeError:  # run outside the application: the default
        return DEFAULT_BUDGET


def upgrade():
    op.create_index("ix_flags_model_id_probability", "flags", ["model_id", "probability"])
    op.drop_index("ix_flags_model_id", table_name="flags")
    with op.batch_alter_table("flag_models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cut_scored", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cut_probability", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("cut_budget", sa.Double(), nullable=True))
    _backfill()


def _backfill():
    """Each model's figures as ``flagged.measure`` computes them (a copy: a
    migration must not change when the application's code does)."""
    conn = op.get_bind()
    configured = _configured_budget()
    for model_id, meta in conn.execute(sa.text("SELECT id, metadata FROM flag_models")).all():
        if isinstance(meta, str):  # SQLite hands JSON back as text
            meta = json.loads(meta)
        budget = (meta or {}).get("budget")
        budget = configured if budget is None else float(budget)
        scored = conn.scalar(
            sa.text("SELECT count(*) FROM flags WHERE model_id = :id"), {"id": model_id}
        )
        allowed = math.ceil(budget * scored - 1e-9)
        at_budget = None
        if allowed > 0:
            at_budget = conn.scalar(
                sa.text(
                    "SELECT probability FROM flags WHERE model_id = :id "
                    "ORDER BY probability DESC LIMIT 1 OFFSET :skip"
                ),
                {"id": model_id, "skip": allowed - 1},
            )
        conn.execute(
            sa.text(
                "UPDATE flag_models SET cut_scored = :scored, cut_probability = :at_budget, "
                "cut_budget = :budget WHERE id = :id"
            ),
            {"scored": scored, "at_budget": at_budget, "budget": budget, "id": model_id},
        )


def downgrade():
    with op.batch_alter_table("flag_models", schema=None) as batch_op:
        batch_op.drop_column("cut_budget")
        batch_op.drop_column("cut_probability")
        batch_op.drop_column("cut_scored")
    op.create_index("ix_flags_model_id", "flags", ["model_id"])
    op.drop_index("ix_flags_model_id_probability", table_name="flags")
