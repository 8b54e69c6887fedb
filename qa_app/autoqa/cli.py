"""``flask autoqa train | run | export``."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from qa_app.autoqa import scoring, services, training
from qa_app.spreadsheet import neutralise

autoqa_cli = AppGroup("autoqa", help="AutoQA: answer scorecard questions automatically.")


@autoqa_cli.command("train")
@click.option(
    "--scorecard",
    "name",
    default=None,
    help="Only this scorecard (its slug or id); default every published one.",
)
def train_command(name: str | None) -> None:
    """Learn per-question models from submitted answers and measure the rules and
    the models against the reviewers on the held-out (latest) fifth."""
    try:
        cards = [services.find_scorecard(name)] if name else services.published_scorecards()
    except services.AutoQaError as exc:
        raise click.ClickException(str(exc)) from exc
    for card in cards:
        click.echo(f"{card.name} (threshold {card.autoqa_threshold:.3f}):")
        rows = training.train_scorecard(card, echo=click.echo)
        trusted = sum(r.trusted for r in rows)
        click.echo(f"{card.name}: {trusted} of {len(rows)} auto-answered question(s) trusted.")


@autoqa_cli.command("run")
@click.option("--all", "all_", is_flag=True, help="Every interaction (default: not yet scored).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Interactions started on or after this date (YYYY-MM-DD).")  # fmt: skip
def run_command(all_: bool, since: datetime | None) -> None:
    """Answer every question of each interaction's scorecard and store the
    answers and the auto-QA score (trusted questions only)."""
    if all_ and since:
        raise click.UsageError("Use --all or --since, not both.")
    ids = scoring.interaction_ids(all_=all_, since=since.replace(tzinfo=UTC) if since else None)
    with click.progressbar(length=len(ids), label="Auto-scoring", file=None) as bar:
        done = scoring.run(ids, progress=bar.update)
    click.echo(f"Auto-scored {done} interaction(s).")


@autoqa_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
def export_command(file: str) -> None:
    """Write every stored auto-answer to FILE as CSV ("-" for standard output)."""
    count = 0
    with click.open_file(file, "w", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(services.EXPORT_HEADER)
        for row in services.export_rows():
            writer.writerow([neutralise(cell) for cell in row])
            count += 1
    if file != "-":
        click.echo(f"Wrote {count} auto-answer(s) to {file}.")
