"""``flask`` commands: accounts, the demo organisation, backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from qa_app.extensions import db
from qa_app.models import ROLES, Team

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="The demo organisation.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None, help="Full name (defaults to the e-mail's local part).")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--team", default=None, help="Team name; created if it does not exist.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create_user_command(
    email: str, name: str | None, role: str, team: str | None, password: str
) -> None:
    """Create an account, for instance the first admin."""
    from qa_app.admin import services

    team_id = None
    if team:
        existing = db.session.scalar(db.select(Team).where(Team.name == team))
        team_id = (existing or services.create_team(None, team)).id
    data = services.UserData(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        team_id=team_id,
        password=password,
    )
    try:
        user = services.create_user(None, data)
    except services.AdminError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@demo_cli.command("seed")
@click.option("--seed", default=7, show_default=True, help="Random seed; same seed, same data.")
@click.option("--interactions", default=3000, show_default=True)
@click.option("--force", is_flag=True, help="Seed even though the database has data.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if data exists.")
@click.option("--no-models", is_flag=True, help="Skip training and scoring the flagging models.")
def seed_command(
    seed: int, interactions: int, force: bool, if_empty: bool, no_models: bool
) -> None:
    """Build a realistic, reproducible demo organisation."""
    from qa_app.demo import seed as demo_seed

    if not demo_seed.database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            click.echo(demo_seed.sign_in_text())
            return
        if not force:
            raise click.ClickException(
                "The database is not empty. Use --force to add the demo organisation anyway."
            )
    summary = demo_seed.seed(seed=seed, n_interactions=interactions, models=not no_models)
    click.echo(summary)
    click.echo(demo_seed.sign_in_text())


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_cli)
    from qa_app.interactions.cli import interactions_cli

    app.cli.add_command(interactions_cli)
    from qa_app.flags.cli import flags_cli

    app.cli.add_command(flags_cli)
    from qa_app.autoqa.cli import autoqa_cli

    app.cli.add_command(autoqa_cli)
    from qa_app.reports.cli import reports_cli

    app.cli.add_command(reports_cli)
    from qa_app.staff.cli import metrics_cli

    app.cli.add_command(metrics_cli)
    from qa_app.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)
    from qa_app.privacy.cli import retention_cli

    app.cli.add_command(retention_cli)


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Back up the SQLite database to PATH (default: instance/backups/), with a manifest.

    Safe while the application runs. For PostgreSQL use pg_dump (see the README)."""
    from flask import current_app

    from qa_app import backup

    try:
        manifest = backup.backup(current_app, path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    target = (path or Path(current_app.instance_path) / "backups" / manifest["file"]).resolve()
    click.echo(
        f"Backed up {len(manifest['tables'])} tables, {rows} rows to {target}; "
        f"integrity check ok; manifest {backup.manifest_path(target).name}."
    )


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup PATH after verifying it.

    Stop the application first: it would otherwise keep writing to the old file."""
    from flask import current_app

    from qa_app import backup

    try:
        live = backup.database_file(current_app)
        manifest = backup.verify(path)
        if not yes:
            click.confirm(
                f"Replace {live} with the backup of {manifest['created_at']}?", abort=True
            )
        backup.restore(current_app, path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(
        f"Restored {len(manifest['tables'])} tables, {rows} rows from {path} "
        f"(taken {manifest['created_at']}); every table matched its manifest. "
        f"The previous database is kept as {live.name}.pre-restore."
    )
