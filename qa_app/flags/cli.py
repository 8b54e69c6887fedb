"""``flask flags train | score | export``: the model registry from the command line."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from qa_app.flags import services
from qa_app.spreadsheet import neutralise

flags_cli = AppGroup("flags", help="Flagging models: train, score interactions, export flags.")


def _day(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


@flags_cli.command("train")
@click.option("--target", type=click.Choice(services.TARGETS), required=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only contacts started on or after this date (YYYY-MM-DD).")  # fmt: skip
def train_command(target: str, since: datetime | None) -> None:
    """Measure on a holdout period, then train a new version of TARGET on all labels.

    The new version is stored as ready but not active (except the first of a
    target, which activates itself); activate it on the Models page."""
    with click.progressbar(length=100, label=f"Training {target}", file=None) as bar:
        done = 0

        def progress(stage: str, percent: int) -> None:
            nonlocal done
            bar.label = f"Training {target}: {stage}"
            bar.update(percent - done)
            done = percent

        row = services.train(target, since=_day(since), progress=progress)
    if row.status == "failed":
        raise click.ClickException(f"Training {target} v{row.version} failed: {row.error}")
    metrics = row.metrics.get("model", {})
    keyword = row.metrics.get("baselines", {}).get("keyword", {})
    click.echo(
        f"{target} v{row.version} ready: {row.meta['rows']} labelled rows "
        f"({row.meta['positives']} positive); holdout PR-AUC {_fmt(metrics.get('pr_auc'))} "
        f"(keyword rule {_fmt(keyword.get('pr_auc'))}, random "
        f"{_fmt(row.metrics.get('base_rate'))})."
    )
    click.echo("Active." if row.active else "Not active yet: activate it on the Models page.")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@flags_cli.command("score")
@click.option("--all", "all_interactions", is_flag=True, help="Score every interaction.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Score contacts started on or after this date.")  # fmt: skip
@click.option("--target", type=click.Choice(services.TARGETS), default=None,
              help="Only this target's active model (default: every active model).")  # fmt: skip
def score_command(all_interactions: bool, since: datetime | None, target: str | None) -> None:
    """Score interactions with the active model(s); by default those not scored yet."""
    if all_interactions and since:
        raise click.UsageError("Use --all or --since, not both.")
    selection = {"all_interactions": all_interactions, "since": _day(since), "target": target}
    try:
        total = services.count_to_score(**selection)
        with click.progressbar(length=total, label="Scoring", file=None) as bar:
            scored = services.score(**selection, progress=bar.update)
    except services.FlagServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Scored {scored} interaction(s).")


@flags_cli.command("export")
@click.option("--target", type=click.Choice(services.TARGETS), required=True)
@click.option("--version", type=int, default=None, help="Model version (default: the active).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
def export_command(target: str, version: int | None, file: str) -> None:
    """Write every score of TARGET's model to FILE as CSV ("-" for standard output),
    highest first; the flags are the top of it (the Flagged page's cut)."""
    try:
        rows = services.export_rows(target, version)
        header = next(rows)
    except services.FlagServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    count = 0
    with click.open_file(file, "w", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
            count += 1
    if file != "-":
        click.echo(f"Wrote {count} score(s) to {file}.")
