"""``flask metrics review``: the staff review table as CSV, for a spreadsheet or a script."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

metrics_cli = AppGroup("metrics", help="Operational metrics: the staff review.")


@metrics_cli.command("review")
@click.option("--period", required=True, help="A month (2026-10) or a quarter (2026-Q3).")
@click.option("--team", type=int, default=None, help="Only this team's agents (team id).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def review_command(period: str, team: int | None, path: Path) -> None:
    """Write the staff review of PERIOD to PATH (CSV: the page's columns, the
    export's headings), and print what each figure means."""
    from qa_app.staff import periods, services, tables

    try:
        chosen = periods.parse(period)
    except periods.PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    result = services.review(chosen, services.Filters(team_id=team), config=current_app.config)
    path.write_bytes(tables.to_csv(result))
    click.echo(f"Wrote {len(result.rows):,} agents for {chosen.label} to {path}.")
    for key, text in result.definitions.items():
        click.echo(f"  {key}: {text}")
