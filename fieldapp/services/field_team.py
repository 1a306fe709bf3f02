"""The field team: the technicians who can go, and a technician's day of visits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Role, User, Visit, VisitStatus


def _visit_loading():
    return (
        joinedload(Visit.case).joinedload(Case.asset).joinedload(Asset.product_model),
        joinedload(Visit.case).joinedload(Case.asset).selectinload(Asset.coverages),
        joinedload(Visit.case).joinedload(Case.customer),
        joinedload(Visit.technician),
    )


def technician_day(technician: User, day: date) -> list[Visit]:
    start, end = clock.day_bounds(day)
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
