"""``flask interactions import FILE``: bulk intake from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from qa_app.interactions import importer, parsing

interactions_cli = AppGroup("interactions", help="Interactions: import calls, chats, e-mails.")
SHOWN_PROBLEMS = 50


@interactions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Source system name (default: the file's stem).")
@click.option("--format", "fmt", type=click.Choice(parsing.FORMATS), default=None,
              help="csv or jsonl (default: from the file extension).")  # fmt: skip
@click.option("--partial", is_flag=True, help="Import the good rows; write the bad to a file.")
@click.option("--create-agents", is_flag=True, help="Create unknown agents, inactive.")
@click.option("--create-teams", is_flag=True, help="Create unknown teams.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Where --partial writes the rejected rows.")  # fmt: skip
@click.option("--recordings", "recordings_dir", default=None,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the audio files named by the column 'recording'.")  # fmt: skip
def import_command(
    file: Path,
    source: str | None,
    fmt: str | None,
    partial: bool,
    create_agents: bool,
    create_teams: bool,
    rejects_path: Path | None,
    recordings_dir: Path | None = None,
) -> None:
    """Import a CSV or JSON Lines FILE of interactions (all or nothing by default)."""
    try:
        fmt = parsing.detect_format(file.name, fmt)
    except parsing.FormatError as exc:
        raise click.UsageError(str(exc)) from exc
    source = (source or file.stem)[:60]
    if recordings_dir is not None:
        from qa_app.recordings import intake

        named, bad = intake.named_in(file, fmt, recordings_dir)
        if bad:
            for line in bad:
                click.echo(line, err=True)
            raise click.ClickException(f"Nothing was imported: {len(bad)} recording(s) refused.")
    size = file.stat().st_size
    with click.progressbar(length=size, label=f"Importing {file.name}", file=None) as bar:
        done = 0

        def progress(position: int) -> None:
            nonlocal done
            bar.update(position - done)
            done = position

        summary = importer.import_file(
            file,
            source=source,
            fmt=fmt,
            partial=partial,
            create_agents=create_agents,
            create_teams=create_teams,
            rejects_path=rejects_path,
            progress=progress,
        )
        bar.update(size - done)
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        column = problem.column or "-"
        click.echo(f"row {problem.row}, {column}: {problem.message}", err=True)
    if len(summary.problems) > SHOWN_PROBLEMS:
        click.echo(f"... and {len(summary.problems) - SHOWN_PROBLEMS} more problems.", err=True)
    if summary.agents_created:
        click.echo(f"Agents created (inactive): {len(summary.agents_created)}")
    if summary.teams_created:
        click.echo(f"Teams created: {', '.join(summary.teams_created)}")
    if summary.flagged:
        click.echo(f"Scored by the active flagging model(s): {summary.flagged}")
    if summary.rejects_path:
        click.echo(f"Rejected rows written to {summary.rejects_path}")
    click.echo(summary.line())
    if recordings_dir is not None and summary.written:
        click.echo(f"Recordings attached: {intake.attach_all(named, source)}")
    if not summary.written and summary.problems:
        raise click.ClickException(
            f"Nothing was imported: {len(summary.problems)} problem(s). "
            "Fix them, or use --partial to import the good rows."
        )
