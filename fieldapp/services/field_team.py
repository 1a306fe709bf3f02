"""The field team: the technicians who can go, and a technician's day of visits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, Coverage, CoverageKind, Customer, ProductModel, Role, ServiceType, User, Visit, VisitStatus,
)
from fieldapp.models.assets import in_force


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


@dataclass(frozen=True)
class DayCard:
    """One visit as Today lists it: read as plain columns, the page a technician opens most."""
    id: int
    scheduled_start: datetime
    scheduled_end: datetime
    status: VisitStatus
    service_type: ServiceType
    description: str
    who: str | None  # the customer, else the requester
    phone: str | None  # the requester's, else the customer's
    model: str | None
    serial: str | None
    address: str | None  # where the product is: its install address, else the customer's
    notes: str | None  # the office's notes for the technician ("bring a spare drain pump")
    preferred_time: str | None  # when the customer asked to be visited
    coverage: CoverageKind | None  # in force on the visit's day


def _day_cards_statement():
    owner = aliased(Customer)  # the product's owner, whose address is the product's unless it has its own
    return (
        select(Visit.id, Visit.scheduled_start, Visit.scheduled_end, Visit.status, Visit.service_type,
               Case.description, func.coalesce(Customer.name, Case.contact_name),
               func.coalesce(Case.contact_phone, Customer.phone), ProductModel.name, Asset.serial_number,
               func.coalesce(Asset.install_address, owner.address), Visit.notes_for_technician, Case.preferred_time,
               Asset.id)
        .join(Case, Visit.case_id == Case.id).outerjoin(Customer, Case.customer_id == Customer.id)
        .outerjoin(Asset, Case.asset_id == Asset.id).outerjoin(ProductModel, Asset.product_model_id == ProductModel.id)
        .outerjoin(owner, Asset.customer_id == owner.id)
        .where(Visit.technician_id == bindparam("technician"), Visit.scheduled_start >= bindparam("start"),
               Visit.scheduled_start < bindparam("end"), Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.scheduled_start))


# Built once: Today is the page a technician opens most (building the statement cost more than running it).
_DAY_CARDS = _day_cards_statement()
_COVERAGES = (select(Coverage.asset_id, Coverage.kind, Coverage.starts_on, Coverage.ends_on)
              .where(Coverage.asset_id.in_(bindparam("assets", expanding=True))))


def day_cards(technician: User, day: date) -> list[DayCard]:
    """The technician's visits on `day` in the company's time zone, earliest first: two queries."""
    start, end = clock.day_bounds(day)
    rows = db.session.execute(_DAY_CARDS, {"technician": technician.id, "start": start, "end": end}).all()
    asset_ids = sorted({row[-1] for row in rows if row[-1] is not None})
    coverages: dict[int, list] = {}
    if asset_ids:
        for coverage in db.session.execute(_COVERAGES, {"assets": asset_ids}):
            coverages.setdefault(coverage.asset_id, []).append(coverage)
    cards = []
    for *columns, asset_id in rows:
        found = in_force(coverages.get(asset_id, ()), clock.local_day(columns[1]))
        cards.append(DayCard(*columns, coverage=found.kind if found else None))
    return cards
