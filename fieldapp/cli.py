"""Command-line tasks: `flask --app fieldapp seed-demo`, `create-user`, `plan-maintenance`,
`send-mail`, `refresh-reports`, `prune-writes`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Role
from fieldapp import demo
from fieldapp.services import accounts, dashboard_cache, idempotency, mail, maintenance, notify, settings


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


@click.command("plan-maintenance")
@click.option("--weeks", type=click.IntRange(1, maintenance.MAX_HORIZON_WEEKS), default=None,
              help="How far ahead to plan; default: the company setting (8 weeks unless changed).")
@with_appcontext
def plan_maintenance(weeks: int | None) -> None:
    """Put a maintenance case in the queue for each product falling due; run daily from cron
    (idempotent: one case per product and due date, however often it runs). It first computes
    again the due dates the passing days have changed (and, once after an upgrade, all of them)."""
    weeks = weeks or settings.current().maintenance_horizon_weeks
    today = clock.today()
    refreshed = maintenance.refresh_stale(today)  # due dates that no longer hold (a coverage began or ended)
    db.session.commit()
    result = maintenance.plan(weeks, today)
    db.session.commit()
    click.echo(f"Created {result.created} maintenance case(s) due within {weeks} weeks; "
               f"{result.already_planned} already planned. {refreshed} due date(s) computed again.")


@click.command("send-mail")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000),
              help="Send at most this many mails in this run.")
@with_appcontext
def send_mail(limit: int) -> None:
    """Send the email that is due (new, or waiting to be retried); run every few minutes from cron."""
    done = mail.deliver_due(limit=limit)
    click.echo(f"Sent {done['sent']}, will retry {done['retrying']}, gave up on {done['failed']}.")


@click.command("notify")
@click.option("--quiet", is_flag=True, help="Say nothing when there was nothing to do.")
@with_appcontext
def notify_customers(quiet: bool) -> None:
    """Write the reminders and surveys that fell due, then send every message waiting (email and
    text). Idempotent: run it every few minutes from cron, as often as you like."""
    done = notify.run_due()
    if quiet and not any(done.values()):
        return
    click.echo(f"Reminders written {done['reminders']}, surveys written {done['surveys']}; "
               f"sent {done['sent']}, will retry {done['retrying']}, gave up on {done['failed']}.")


@click.command("refresh-reports")
@click.option("--all", "everything", is_flag=True, help="Compute every preset now, due or not.")
@with_appcontext
def refresh_reports(everything: bool) -> None:
    """Compute the Reports page's preset periods ahead and store them; run from cron every five
    minutes (the last 30 days then, the quarter hourly, the last 12 months daily: at a million
    visits a year's figures cost half a minute, and the page shows the stored ones)."""
    computed = dashboard_cache.refresh_presets(clock.today(), force=everything)
    db.session.commit()
    click.echo(f"Stored {computed} report(s) for the Reports page.")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(prune_writes)
    app.cli.add_command(plan_maintenance)
    app.cli.add_command(send_mail)
    app.cli.add_command(notify_customers)
    app.cli.add_command(refresh_reports)
