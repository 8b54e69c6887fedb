"""``flask retention purge --dry-run|--yes``: transcript retention from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from qa_app.privacy import retention
from qa_app.privacy.uploads import purge_stale_uploads
from qa_app.recordings import retention as recording_retention

retention_cli = AppGroup("retention", help="Retention: purge transcripts past the period.")


@retention_cli.command("purge")
@click.option("--dry-run", "dry_run", is_flag=True, help="Report what would be purged (default).")
@click.option("--yes", "confirmed", is_flag=True, help="Purge for real (audited).")
def purge_command(dry_run: bool, confirmed: bool) -> None:
    """Empty the transcripts older than TRANSCRIPT_RETENTION_DAYS (evaluations stay)
    and remove import uploads older than UPLOAD_MAX_AGE_HOURS."""
    if dry_run and confirmed:
        raise click.UsageError("Choose one of --dry-run and --yes.")
    try:
        report = retention.purge_transcripts(dry_run=not confirmed, via="cli")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    stale = purge_stale_uploads(dry_run=not confirmed)
    audio = recording_retention.purge(dry_run=not confirmed, via="cli")
    if audio.days is not None:
        verb = "Would delete" if audio.dry_run else "Deleted"
        click.echo(f"Recordings ({audio.days} days): {verb} {audio.count}, {audio.bytes:,} bytes.")
    if stale.uploads:
        verb = "Would remove" if stale.dry_run else "Removed"
        click.echo(f"{verb} {stale.uploads} stale import upload(s), {stale.bytes:,} bytes.")
    if report.days is None:
        click.echo("TRANSCRIPT_RETENTION_DAYS is not set: transcripts are kept; nothing to do.")
        return
    click.echo(f"Retention {report.days} days: transcripts of interactions started before "
               f"{report.cutoff:%Y-%m-%d %H:%M} UTC.")  # fmt: skip
    if not report.count:
        click.echo("No transcript is due.")
        return
    for g in report.groups:
        click.echo(f"  {g.team} / {g.channel}: {g.count} "
                   f"({g.oldest:%Y-%m-%d} to {g.newest:%Y-%m-%d})")  # fmt: skip
    span = f"{report.oldest:%Y-%m-%d} to {report.newest:%Y-%m-%d}"
    if report.dry_run:
        click.echo(f"Would purge {report.count} transcript(s), {span}. Run with --yes to purge.")
    else:
        click.echo(f"Purged {report.purged} transcript(s), {span}.")
