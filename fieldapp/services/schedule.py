"""Who goes where, when: days in the company's time zone and the visits in them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Role, User, Visit, VisitStatus
from fieldapp.orm import utcnow


def today() -> date:
    return utcnow().astimezone(current_app.config["TZ"]).date()


def local(moment: datetime) -> datetime:
    """An instant in the company's time zone."""
    return moment.astimezone(current_app.config["TZ"])


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where `day` starts and ends in the company's time zone."""
    tz = current_app.config["TZ"]
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=current_app.config["TZ"])


def _visit_loading():
    return (
        joinedload(Visit.case).joinedload(Case.asset).joinedload(Asset.product_model),
        joinedload(Visit.case).joinedload(Case.asset).selectinload(Asset.coverages),
        joinedload(Visit.case).joinedload(Case.customer),
        joinedload(Visit.technician),
    )


def technician_day(technician: User, day: date) -> list[Visit]:
    start, end = day_bounds(day)
    return list(db.session.scalars(
        select(Visit)
        .where(Visit.technician_id == technician.id, Visit.scheduled_start >= start,
               Visit.scheduled_start < end, Visit.status != VisitStatus.CANCELLED)
        .options(*_visit_loading())
        .order_by(Visit.scheduled_start)
    ).unique())


def technicians() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.TECHNICIAN, User.active.is_(True)).order_by(User.name)
    ))
