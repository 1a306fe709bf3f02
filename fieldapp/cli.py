"""Command-line tasks: `flask --app fieldapp seed-demo`, `create-user`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Role
from fieldapp.services import accounts, demo, idempotency


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users at all.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo company (idempotent: a second run changes nothing)."""
    if if_empty and not demo.database_is_empty():
        click.echo("Database already has data; demo not loaded.")
        return
    if demo.load_demo():
        db.session.commit()
        click.echo(f"Demo data loaded. Sign in as tech@demo.test / {demo.DEMO_PASSWORD}.")
    else:
        click.echo("Demo data already loaded; nothing changed.")


@click.command("create-user")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), prompt=True)
@click.option("--phone", default="", help="Phone number (optional).")
@click.password_option(help="Prompted for, twice, when not given.")
def create_user(email: str, name: str, role: str, phone: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = accounts.create_user(email, name, Role(role), password, phone)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("prune-writes")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650),
              help="Forget write ids older than this many days.")
@with_appcontext
def prune_writes(days: int) -> None:
    """Forget old write ids (the double-tap protection); run daily from cron."""
    removed = idempotency.prune(days)
    db.session.commit()
    click.echo(f"Forgot {removed} write id(s) older than {days} days.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(prune_writes)
