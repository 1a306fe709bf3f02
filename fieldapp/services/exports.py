"""CSV exports for the office: cases, visits with their cost totals, parts used, ratings and
complaints, for a range of days in the company's time zone, optionally for one technician,
product model or customer.

Each export is ONE query of plain columns (no ORM objects, so nothing loads lazily per row),
run when the download starts and read in batches (`yield_per`: a server-side cursor on
PostgreSQL), so a year of visits never sits in memory. Rows come out as Python values (text,
numbers, dates, aware instants, enums, None); web/csv_stream.py writes them as CSV. Money is
a Decimal like 12.50, never a float. Ranges select on indexed columns where the tables grow
large (visits.scheduled_start, cases.created_at); ratings and complaints are far fewer."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from fieldapp import clock, money
from fieldapp.dates import add_months
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, Complaint, Customer, Part, ProductModel, Rating, Role, User, Visit, VisitPart,
)
from fieldapp.clock import day_bounds

BATCH = 1000
MAX_YEARS = 5
# Dates further out are typing errors (and year 1 or 9999 cannot be turned into UTC instants).
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Filters:
    """Days `first` to `last` (both included, company time zone) and the optional narrowing."""

    first: date
    last: date
    technician_id: int | None = None
    model_id: int | None = None
    customer_id: int | None = None

    @property
    def instants(self) -> tuple[datetime, datetime]:
        """UTC bounds: from the start of `first` (included) to the end of `last` (excluded)."""
        return day_bounds(self.first)[0], day_bounds(self.last)[1]


def check(filters: Filters) -> None:
    """Refuse what cannot be exported: dates out of order or too far apart, ids of nothing."""
    for day in (filters.first, filters.last):
        if not EARLIEST <= day <= LATEST:
            raise DomainError(f"Choose dates between {EARLIEST.year} and {LATEST.year}.", kind="invalid")
    if filters.first > filters.last:
        raise DomainError("The start date is after the end date.", kind="invalid")
    if filters.last >= add_months(filters.first, 12 * MAX_YEARS):
        raise DomainError(f"Export at most {MAX_YEARS} years at a time.", kind="invalid")
    if filters.technician_id is not None:
        technician = db.session.get(User, filters.technician_id)
        if technician is None or technician.role is not Role.TECHNICIAN:
            raise DomainError("There is no such technician: choose one from the list.", kind="invalid")
    if filters.model_id is not None and db.session.get(ProductModel, filters.model_id) is None:
        raise DomainError("There is no such product model: choose one from the list.", kind="invalid")
    if filters.customer_id is not None and db.session.get(Customer, filters.customer_id) is None:
        raise DomainError("There is no such customer: choose one from the list.", kind="invalid")


def technicians() -> list[User]:
    """Every technician, former ones too: their visits are in the history."""
    return list(db.session.scalars(select(User).where(User.role == Role.TECHNICIAN).order_by(User.name, User.id)))


def product_models() -> list[ProductModel]:
    return list(db.session.scalars(select(ProductModel).order_by(ProductModel.name, ProductModel.id)))


def _rows(statement) -> Iterator:
    """The rows, read as the download is written, on a connection of their own: Flask ends the
    request's session (a rollback, closing a server-side cursor) before a streamed body is sent."""
    with db.engine.connect() as connection:
        yield from connection.execution_options(yield_per=BATCH).execute(statement)


def _narrow(statement, filters: Filters, moment, technician):
    """Rows whose `moment` falls in the days, for the technician, model and customer asked for.
    The statement has the case and its asset joined; `technician` is a column or a condition."""
    start, end = filters.instants
    statement = statement.where(moment >= start, moment < end)
    if filters.technician_id is not None:
        statement = statement.where(technician(filters.technician_id))
    if filters.model_id is not None:
        statement = statement.where(Asset.product_model_id == filters.model_id)
    if filters.customer_id is not None:
        statement = statement.where(Case.customer_id == filters.customer_id)
    return statement


def _with_case(statement, case_id=None):
    """The case (unless it is what is selected from), its customer and its product (model, serial)."""
    if case_id is not None:
        statement = statement.join(Case, Case.id == case_id)
    return (statement.outerjoin(Customer, Customer.id == Case.customer_id)
            .outerjoin(Asset, Asset.id == Case.asset_id)
            .outerjoin(ProductModel, ProductModel.id == Asset.product_model_id))


CASES = ("Case number", "Opened at", "Channel", "Type", "Priority", "Status", "Customer", "Customer email",
         "Contact name", "Contact phone", "Contact email", "Product model", "Model number", "Serial number",
         "Description", "Assessment category", "Resolution", "First response at", "Resolved at", "Closed on")


def cases(filters: Filters) -> Iterator[tuple]:
    """Cases opened in the days; with a technician: cases they have a visit on."""
    statement = _with_case(select(
        Case.number, Case.created_at, Case.channel, Case.case_type, Case.priority, Case.status,
        Customer.name, Customer.email, Case.contact_name, Case.contact_phone, Case.contact_email,
        ProductModel.name, ProductModel.model_number, Asset.serial_number, Case.description,
        Case.assessment_category, Case.resolution_summary, Case.first_response_at, Case.resolved_at,
        Case.closed_on,
    ).select_from(Case))

    def on_visit(technician_id: int):
        return exists().where(Visit.case_id == Case.id, Visit.technician_id == technician_id)

    statement = _narrow(statement, filters, Case.created_at, on_visit)
    return _rows(statement.order_by(Case.created_at, Case.id))


VISITS = ("Case number", "Visit", "Service type", "Status", "Technician", "Scheduled start", "Scheduled end",
          "Travel started at", "Arrived at", "Completed at", "Outcome", "Not completed because", "Labour", "Parts",
          "Transport", "Other costs", "Total", "Covered", "Billable", "Payment status", "Other costs for",
          "Customer", "Product model", "Serial number")


def visits(filters: Filters) -> Iterator[tuple]:
    """Visits planned to start in the days, with the cost totals stored at completion."""
    statement = _with_case(select(
        Case.number, Visit.id, Visit.service_type, Visit.status, User.name, Visit.scheduled_start,
        Visit.scheduled_end, Visit.travel_started_at, Visit.arrived_at, Visit.completed_at, Visit.outcome,
        Visit.not_completed_reason, Visit.labour_cents, Visit.parts_cents, Visit.transport_cost_cents,
        Visit.other_cost_cents, Visit.total_cents, Visit.covered_cents, Visit.billable_cents, Visit.payment_status,
        Visit.other_cost_note, Customer.name, ProductModel.name, Asset.serial_number,
    ).select_from(Visit).join(User, User.id == Visit.technician_id), Visit.case_id)
    statement = _narrow(statement, filters, Visit.scheduled_start, lambda t: Visit.technician_id == t)
    rows = _rows(statement.order_by(Visit.scheduled_start, Visit.id))
    return ((*row[:12], *(money.as_decimal(cents) for cents in row[12:19]), *row[19:]) for row in rows)


PARTS = ("Visit date", "Case number", "Visit", "Technician", "Part SKU", "Part name", "Quantity", "Unit cost",
         "Line total", "Covered", "Faulty serial", "Replacement serial", "Customer", "Product model",
         "Serial number")


def parts(filters: Filters) -> Iterator[tuple]:
    """Parts used on the visits planned in the days (the visit date in the company's time zone)."""
    statement = _with_case(select(
        Visit.scheduled_start, Case.number, Visit.id, User.name, Part.sku, Part.name, VisitPart.quantity,
        VisitPart.unit_cost_cents, VisitPart.covered, VisitPart.faulty_serial, VisitPart.replacement_serial,
        Customer.name, ProductModel.name, Asset.serial_number,
    ).select_from(VisitPart).join(Visit, Visit.id == VisitPart.visit_id).join(Part, Part.id == VisitPart.part_id)
        .join(User, User.id == Visit.technician_id), Visit.case_id)
    statement = _narrow(statement, filters, Visit.scheduled_start, lambda t: Visit.technician_id == t)
    tz = clock.zone()
    rows = _rows(statement.order_by(Visit.scheduled_start, Visit.id, VisitPart.id))
    return ((start.astimezone(tz).date(), number, visit_id, technician, sku, name, quantity, money.as_decimal(unit_cents),
             money.as_decimal(quantity * unit_cents), covered, *rest)
            for start, number, visit_id, technician, sku, name, quantity, unit_cents, covered, *rest in rows)


RATINGS = ("Visit", "Case number", "Visit date", "Rated at", "Technician", "Customer", "Product model",
           "Serial number", "Overall", "Timeliness", "Professionalism", "Quality", "Product performance",
           "Comments", "Complaint", "Source", "Signed by")


def ratings(filters: Filters) -> Iterator[tuple]:
    """Ratings given in the days, with the visit they rate."""
    statement = _with_case(select(
        Visit.id, Case.number, Visit.scheduled_start, Rating.created_at, User.name, Customer.name,
        ProductModel.name, Asset.serial_number, Rating.overall, Rating.timeliness, Rating.professionalism,
        Rating.quality, Rating.product_performance, Rating.comments, Rating.complaint, Rating.source,
        Rating.signer_name,
    ).select_from(Rating).join(Visit, Visit.id == Rating.visit_id).join(User, User.id == Visit.technician_id),
        Visit.case_id)
    statement = _narrow(statement, filters, Rating.created_at, lambda t: Visit.technician_id == t)
    tz = clock.zone()
    rows = _rows(statement.order_by(Rating.created_at, Rating.id))
    return ((visit_id, number, start.astimezone(tz).date(), *rest) for visit_id, number, start, *rest in rows)


COMPLAINTS = ("Case number", "Received at", "Source", "Description", "Owner", "Visit", "Technician", "Customer",
              "Product model", "Serial number", "Resolved at", "Resolution", "Customer's response")


def complaints(filters: Filters) -> Iterator[tuple]:
    """Complaints received in the days; with a technician: those about one of their visits."""
    owner, technician = aliased(User), aliased(User)
    statement = _with_case(select(
        Case.number, Complaint.received_at, Complaint.source, Complaint.description, owner.name,
        Complaint.visit_id, technician.name, Customer.name, ProductModel.name, Asset.serial_number,
        Complaint.resolved_at, Complaint.resolution, Complaint.customer_response,
    ).select_from(Complaint), Complaint.case_id)
    statement = (statement.outerjoin(owner, owner.id == Complaint.owner_id)
                 .outerjoin(Visit, Visit.id == Complaint.visit_id)
                 .outerjoin(technician, technician.id == Visit.technician_id))
    statement = _narrow(statement, filters, Complaint.received_at, lambda t: Visit.technician_id == t)
    return _rows(statement.order_by(Complaint.received_at, Complaint.id))


@dataclass(frozen=True)
class Export:
    kind: str  # in the URL and the file name
    title: str
    dated_by: str  # which rows the days select, for the page
    header: tuple[str, ...]
    rows: Callable[[Filters], Iterator[tuple]]


EXPORTS = {export.kind: export for export in (
    Export("cases", "Cases", "cases opened on these days", CASES, cases),
    Export("visits", "Visits with cost totals", "visits planned to start on these days", VISITS, visits),
    Export("parts", "Parts used", "parts used on visits planned on these days", PARTS, parts),
    Export("ratings", "Ratings", "ratings given on these days", RATINGS, ratings),
    Export("complaints", "Complaints", "complaints received on these days", COMPLAINTS, complaints),
)}
