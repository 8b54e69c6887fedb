"""evaluation team and channel copied from the interaction; covering report indexes

Revision ID: 0016_evaluation_team_channel
Revises: 0015_contact_metrics
Create Date: 2026-12-08 00:20:00

An evaluation's team and channel are its interaction's (the contact's team at
the time). The quality cube joined a million evaluations to their interactions
only to read them (255-520 ms on the bench database; 62-65 ms without the join).
The columns are filled here with one UPDATE ... FROM (PostgreSQL, and SQLite
since 3.33), then kept by ``reviews.evaluations.new`` and
``reviews.evaluations.follow_interactions``. The partial covering index of the
counted evaluations carries them (and the kind and id, which the per-reviewer
figures filter and join by), so the reports' team and channel filters and
groups stay index-only; the interactions' index by start time carries the
agent, team and channel that the Operations tab's coverage counts by.

The report roll-ups created by 0006 are filled here, when they are still
empty (``rollups.rebuild`` reads the evaluations' new columns): a database
that already has them keeps them, their figures do not change.

On a large PostgreSQL database the UPDATE rewrites every evaluation row: run
``VACUUM (ANALYZE) evaluations`` afterwards, or index-only scans read the heap
until autovacuum has been by.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_evaluation_team_channel"
down_revision = "0015_contact_metrics"
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
# and ``kind``, which the per-reviewer figures filter on (a reviewer's own work),
# and ``id``, which they join disputes and answers by
WITH_PLACE = ["id", *INCLUDED[:2], "team_id", "channel", INCLUDED[2], "kind", *INCLUDED[3:]]
# The Operations tab's coverage: a period's interactions per agent and team.
STARTED_INCLUDED = ["agent_id", "team_id", "channel"]


def _counted_index(batch_op, included):
    batch_op.create_index(
        "ix_evaluations_counted_submitted",
        ["submitted_at"],
        unique=False,
        postgresql_include=included,
        sqlite_where=sa.text(COUNTED),
        postgresql_where=sa.text(COUNTED),
    )


def _drop_counted_index(batch_op):
    batch_op.drop_index(
        "ix_evaluations_counted_submitted",
        sqlite_where=sa.text(COUNTED),
        postgresql_where=sa.text(COUNTED),
    )


def upgrade():
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=True))
        _drop_counted_index(batch_op)
    op.execute(
        "UPDATE evaluations SET team_id = interactions.team_id, channel = interactions.channel "
        "FROM interactions WHERE interactions.id = evaluations.interaction_id"
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=10), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_evaluations_team_id_teams"), "teams", ["team_id"], ["id"]
        )
        _counted_index(batch_op, WITH_PLACE)
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_started")
        batch_op.create_index(
            "ix_interactions_started",
            ["started_at", "id"],
            unique=False,
            postgresql_include=STARTED_INCLUDED,
        )
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM report_question_days")) == 0:
        from qa_app.reports import rollups

        rollups.rebuild(bind)


def downgrade():
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_started")
        batch_op.create_index("ix_interactions_started", ["started_at", "id"], unique=False)
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        _drop_counted_index(batch_op)
        batch_op.drop_constraint(batch_op.f("fk_evaluations_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("channel")
        batch_op.drop_column("team_id")
        _counted_index(batch_op, INCLUDED)
