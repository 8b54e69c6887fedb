"""``flask`` commands: accounts, the demo organisation."""

from __future__ import annotations

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
def seed_command(seed: int, interactions: int, force: bool, if_empty: bool) -> None:
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
    summary = demo_seed.seed(seed=seed, n_interactions=interactions)
    click.echo(summary)
    click.echo(demo_seed.sign_in_text())


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    from qa_app.interactions.cli import interactions_cli

    app.cli.add_command(interactions_cli)
    from qa_app.flags.cli import flags_cli

    app.cli.add_command(flags_cli)
    from qa_app.reports.cli import reports_cli

    app.cli.add_command(reports_cli)
