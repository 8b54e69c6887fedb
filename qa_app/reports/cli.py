"""``flask reports ...``: upkeep of the report roll-ups."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from qa_app.extensions import db

reports_cli = AppGroup("reports", help="Executive reports.")


@reports_cli.command("rebuild-rollups")
def rebuild_rollups_command() -> None:
    """Recompute the report roll-ups from the evaluations and answers.

    The write path keeps them exact; run this after restoring data or writing
    evaluations with raw SQL (the migration that creates them runs it too).
    One transaction: pages read the old roll-ups until it commits.
    """
    from qa_app.reports import rollups

    start = time.perf_counter()
    counts = rollups.rebuild(db.session.connection())
    db.session.commit()
    rows = ", ".join(f"{table}: {n:,} rows" for table, n in counts.items())
    click.echo(f"Rebuilt {rows} in {time.perf_counter() - start:.1f} s.")
