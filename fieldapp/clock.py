"""The company's clock: the one place that reads its time zone (config COMPANY_TIMEZONE).

Instants are stored in UTC (orm.UTCDateTime); days, opening hours and what "today" means are
the company's. Everything that turns one into the other asks here.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from flask import current_app

from fieldapp.orm import utcnow


def zone() -> tzinfo:
    return current_app.config["TZ"]


def zone_name() -> str:
    return current_app.config["COMPANY_TIMEZONE"]


def now() -> datetime:
    """This instant, on the company's wall clock."""
    return utcnow().astimezone(zone())


def today() -> date:
    return now().date()


def local(moment: datetime) -> datetime:
    """An instant in the company's time zone."""
    return moment.astimezone(zone())


def local_day(moment: datetime) -> date:
    """The company's date at that instant."""
    return moment.astimezone(zone()).date()


def at(day: date, moment: time) -> datetime:
    """The instant of `day` at `moment` on the company's wall clock."""
    return datetime.combine(day, moment, tzinfo=zone())


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return at(day, time(hour, minute))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants where `day` starts and ends in the company's time zone."""
    return at(day, time.min), at(day + timedelta(days=1), time.min)


def day_text(day: date) -> str:
    """A day as people read it, the same on every page, report and email: 15 Jan 2026 (in the
    reader's language: 15.01.2026, 2026年1月15日)."""
    from fieldapp import formats

    return formats.day(day)
