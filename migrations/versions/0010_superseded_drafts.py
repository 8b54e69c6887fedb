"""evaluations: status "superseded" and the reason a draft was closed

A draft whose assignment went to another reviewer is closed, kept and shown,
never counted: a third status value and the reason in words.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("closed_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f("ck_evaluations_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_evaluations_status"),
            "status IN ('draft', 'submitted', 'superseded')",
        )


def downgrade():
    # The old schema has no way to hold a closed draft: turning it back into a
    # draft or a submission would let it be submitted or counted. Refuse
    # rather than lose or miscount anyone's work.
    closed = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM evaluations WHERE status = 'superseded'")
    )
    if closed:
        raise RuntimeError(
            f"{closed} superseded evaluation(s) exist; the schema before 0009 cannot "
            "hold them. Export or delete them first."
        )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_evaluations_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_evaluations_status"), "status IN ('draft', 'submitted')"
        )
        batch_op.drop_column("closed_reason")
