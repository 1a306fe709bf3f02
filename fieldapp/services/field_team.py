"""The field team: the technicians who can go, their skills, and a technician's day of visits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, Coverage, CoverageKind, Customer, ProductModel, Role, ServiceAgreement, ServiceType, TechnicianSkill,
    User, Visit,
    VisitStatus,
)
from fieldapp.models.assets import in_force
from fieldapp.services import audit


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
    """The active technicians by name, with their skills: one query, however many there are."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.TECHNICIAN, User.active.is_(True))
        .options(joinedload(User.skills)).order_by(User.name, User.id)
    ).unique())


# --- Skills: the product categories a technician is qualified for (process step 5) -----------------------

def category_of(case: Case) -> str | None:
    """The product category a visit for the case needs: its product's model's, if it has one."""
    category = case.asset.product_model.category if case.asset is not None else None
    return category or None


@dataclass(frozen=True)
class Ranking:
    """The technicians for one product category: the qualified first, then the others (each in
    the order given). No category: no one is qualified and no one is missing anything."""
    category: str | None
    qualified: list[User]
    others: list[User]


def ranked(technicians: list[User], category: str | None) -> Ranking:
    if not category:
        return Ranking(None, [], list(technicians))
    qualified = [t for t in technicians if t.is_qualified_for(category)]
    return Ranking(category, qualified, [t for t in technicians if not t.is_qualified_for(category)])


def ranked_per_case(cases: list[Case], technicians: list[User]) -> dict[int, Ranking]:
    """Each case's ranking, worked out once per category (skills read with the technicians)."""
    by_category: dict[str | None, Ranking] = {}
    rankings = {}
    for case in cases:
        category = category_of(case)
        if category not in by_category:
            by_category[category] = ranked(technicians, category)
        rankings[case.id] = by_category[category]
    return rankings


@dataclass(frozen=True)
class SkillGap:
    technician: User
    category: str


def skill_gap(technician: User | None, case: Case) -> SkillGap | None:
    """The technician has no skill recorded for the case's product category: a warning before
    booking, never a refusal. None when they have, or the case has no product or its model no
    category."""
    category = category_of(case)
    if technician is None or category is None or technician.is_qualified_for(category):
        return None
    return SkillGap(technician, category)


def skill_choices(technician: User) -> list[str]:
    """The categories the admin may tick for the technician: every category of the catalog's
    models, and any the technician has already (a category no model uses any more)."""
    catalog = db.session.scalars(select(ProductModel.category).where(
        ProductModel.category.is_not(None), ProductModel.category != "").distinct())
    return sorted({*catalog, *(skill.category for skill in technician.skills)}, key=lambda c: (c.casefold(), c))


def set_skills(technician: User, categories: list[str], by: User) -> None:
    """The technician's skills become exactly `categories` (each one of `skill_choices`)."""
    if technician.role is not Role.TECHNICIAN:
        raise DomainError(_("Only technicians have skills."), "categories", "invalid")
    wanted = set(categories)
    if not wanted <= set(skill_choices(technician)):
        raise DomainError(_("Choose categories from the list."), "categories", "invalid")
    held = {skill.category: skill for skill in technician.skills}
    added, removed = sorted(wanted - held.keys()), sorted(held.keys() - wanted)
    if not (added or removed):
        return
    try:
        with db.session.begin_nested():
            for category in removed:
                technician.skills.remove(held[category])
            technician.skills.extend(TechnicianSkill(category=category) for category in added)
            db.session.flush()
    except IntegrityError:  # another admin saved the same skill a moment ago
        raise DomainError(_("The skills of %(name)s were changed meanwhile: reload the page and save again.",
                            name=technician.name), "categories", "conflict") from None
    audit.record("user.skills_changed", technician, {"added": added, "removed": removed}, user=by)


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
               Asset.id, Case.customer_id)
        .join(Case, Visit.case_id == Case.id).outerjoin(Customer, Case.customer_id == Customer.id)
        .outerjoin(Asset, Case.asset_id == Asset.id).outerjoin(ProductModel, Asset.product_model_id == ProductModel.id)
        .outerjoin(owner, Asset.customer_id == owner.id)
        .where(Visit.technician_id == bindparam("technician"), Visit.scheduled_start >= bindparam("start"),
               Visit.scheduled_start < bindparam("end"), Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.scheduled_start))


# Built once: Today is the page a technician opens most (building the statement cost more than running it).
_DAY_CARDS = _day_cards_statement()
# The products' coverages and, marked by `owner`, the customers' service agreements (sold without
# a product: they cover a visit the product's own coverage does not), in one query.
_COVERAGES = union_all(
    select(literal_column("'asset'").label("owner"), Coverage.asset_id.label("key"), Coverage.kind,
           Coverage.starts_on, Coverage.ends_on).where(Coverage.asset_id.in_(bindparam("assets", expanding=True))),
    select(literal_column("'customer'"), ServiceAgreement.customer_id,
           literal_column(f"'{CoverageKind.SERVICE_AGREEMENT.value}'"), ServiceAgreement.starts_on,
           ServiceAgreement.ends_on)
    .where(ServiceAgreement.customer_id.in_(bindparam("customers", expanding=True))))


@dataclass(frozen=True)
class _CoverageRow:
    kind: CoverageKind
    starts_on: date
    ends_on: date


def day_cards(technician: User, day: date) -> list[DayCard]:
    """The technician's visits on `day` in the company's time zone, earliest first: two queries."""
    start, end = clock.day_bounds(day)
    rows = db.session.execute(_DAY_CARDS, {"technician": technician.id, "start": start, "end": end}).all()
    asset_ids = sorted({row[-2] for row in rows if row[-2] is not None})
    customer_ids = sorted({row[-1] for row in rows if row[-1] is not None})
    coverages: dict[tuple[str, int], list] = {}
    if asset_ids or customer_ids:
        for owner, key, kind, starts_on, ends_on in db.session.execute(
                _COVERAGES, {"assets": asset_ids or [0], "customers": customer_ids or [0]}):
            coverages.setdefault((owner, key), []).append(_CoverageRow(CoverageKind(kind), starts_on, ends_on))
    cards = []
    for *columns, asset_id, customer_id in rows:
        day = clock.local_day(columns[1])
        found = in_force(coverages.get(("asset", asset_id), ()), day) or in_force(
            coverages.get(("customer", customer_id), ()), day)
        cards.append(DayCard(*columns, coverage=found.kind if found else None))
    return cards
