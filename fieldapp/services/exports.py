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

from flask_babel import gettext as _, lazy_gettext as _l, ngettext
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
            raise DomainError(_("Choose dates between %(first)s and %(last)s.", first=EARLIEST.year,
                                last=LATEST.year), kind="invalid")
    if filters.first > filters.last:
        raise DomainError(_("The start date is after the end date."), kind="invalid")
    if filters.last >= add_months(filters.first, 12 * MAX_YEARS):
        raise DomainError(ngettext("Export at most %(num)d year at a time.", "Export at most %(num)d years at a time.",
                                   MAX_YEARS), kind="invalid")
    if filters.technician_id is not None:
        technician = db.session.get(User, filters.technician_id)
        if technician is None or technician.role is not Role.TECHNICIAN:
            raise DomainError(_("There is no such technician: choose one from the list."), kind="invalid")
    if filters.model_id is not None and db.session.get(ProductModel, filters.model_id) is None:
        raise DomainError(_("There is no such product model: choose one from the list."), kind="invalid")
    if filters.customer_id is not None and db.session.get(Customer, filters.customer_id) is None:
        raise DomainError(_("There is no such customer: choose one from the list."), kind="invalid")


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


# Each export's columns: the header people read (in their language) and, for programs reading the
# file (?keys=1), a key that never changes with the language or the wording.
CASES = (_l("Case number"), _l("Opened at"), _l("Channel"), _l("Type"), _l("Priority"), _l("Status"),
         _l("Customer"), _l("Customer email"), _l("Contact name"), _l("Contact phone"), _l("Contact email"),
         _l("Product model"), _l("Model number"), _l("Serial number"), _l("Description"),
         _l("Assessment category"), _l("Resolution"), _l("First response at"), _l("Resolved at"), _l("Closed on"))
CASE_KEYS = ("case_number", "opened_at", "channel", "type", "priority", "status", "customer", "customer_email",
             "contact_name", "contact_phone", "contact_email", "product_model", "model_number", "serial_number",
             "description", "assessment_category", "resolution", "first_response_at", "resolved_at", "closed_on")


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


VISITS = (_l("Case number"), _l("Visit"), _l("Service type"), _l("Status"), _l("Technician"),
          _l("Scheduled start"), _l("Scheduled end"), _l("Travel started at"), _l("Arrived at"),
          _l("Completed at"), _l("Outcome"), _l("Not completed because"), _l("Labour"), _l("Parts"),
          _l("Transport"), _l("Other costs"), _l("Total"), _l("Covered"), _l("Billable"), _l("Payment status"),
          _l("Other costs for"), _l("Customer"), _l("Product model"), _l("Serial number"))
VISIT_KEYS = ("case_number", "visit_id", "service_type", "status", "technician", "scheduled_start",
              "scheduled_end", "travel_started_at", "arrived_at", "completed_at", "outcome",
              "not_completed_reason", "labour", "parts", "transport", "other_costs", "total", "covered",
              "billable", "payment_status", "other_costs_note", "customer", "product_model", "serial_number")


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


PARTS = (_l("Visit date"), _l("Case number"), _l("Visit"), _l("Technician"), _l("Part SKU"), _l("Part name"),
         _l("Quantity"), _l("Unit cost"), _l("Line total"), _l("Covered"), _l("Faulty serial"),
         _l("Replacement serial"), _l("Customer"), _l("Product model"), _l("Serial number"))
PART_KEYS = ("visit_date", "case_number", "visit_id", "technician", "part_sku", "part_name", "quantity",
             "unit_cost", "line_total", "covered", "faulty_serial", "replacement_serial", "customer",
             "product_model", "serial_number")


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


RATINGS = (_l("Visit"), _l("Case number"), _l("Visit date"), _l("Rated at"), _l("Technician"), _l("Customer"),
           _l("Product model"), _l("Serial number"), _l("Overall"), _l("Timeliness"), _l("Professionalism"),
           _l("Quality"), _l("Product performance"), _l("Comments"), _l("Complaint"), _l("Source"),
           _l("Signed by"))
RATING_KEYS = ("visit_id", "case_number", "visit_date", "rated_at", "technician", "customer", "product_model",
               "serial_number", "overall", "timeliness", "professionalism", "quality", "product_performance",
               "comments", "complaint", "source", "signed_by")


def ratings(filters: Filters) -> Iterator[tuple]:
    """Ratings given in the days, with the visit they rate (none for a case rated as a whole)."""
    statement = _with_case(select(
        Visit.id, Case.number, Visit.scheduled_start, Rating.created_at, User.name, Customer.name,
        ProductModel.name, Asset.serial_number, Rating.overall, Rating.timeliness, Rating.professionalism,
        Rating.quality, Rating.product_performance, Rating.comments, Rating.complaint, Rating.source,
        Rating.signer_name,
    ).select_from(Rating).outerjoin(Visit, Visit.id == Rating.visit_id)
        .outerjoin(User, User.id == Visit.technician_id), Rating.case_id)
    statement = _narrow(statement, filters, Rating.created_at, lambda t: Visit.technician_id == t)
    tz = clock.zone()
    rows = _rows(statement.order_by(Rating.created_at, Rating.id))
    return ((visit_id, number, start.astimezone(tz).date() if start else None, *rest)
            for visit_id, number, start, *rest in rows)


COMPLAINTS = (_l("Case number"), _l("Received at"), _l("Source"), _l("Description"), _l("Owner"), _l("Visit"),
              _l("Technician"), _l("Customer"), _l("Product model"), _l("Serial number"), _l("Resolved at"),
              _l("Resolution"), _l("Customer's response"))
COMPLAINT_KEYS = ("case_number", "received_at", "source", "description", "owner", "visit_id", "technician",
                  "customer", "product_model", "serial_number", "resolved_at", "resolution", "customer_response")


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
    download: str  # the page's button
    dated_by: str  # which rows the days select, for the page
    header: tuple[str, ...]  # what people read (lazy: in the language of whoever downloads)
    keys: tuple[str, ...]  # the same columns for programs, whatever the language
    rows: Callable[[Filters], Iterator[tuple]]

    def __post_init__(self):
        if len(self.header) != len(self.keys) or len(set(self.keys)) != len(self.keys):
            raise RuntimeError(f"export {self.kind}: one unique key per column")


EXPORTS = {export.kind: export for export in (
    Export("cases", _l("Download cases"), _l("cases opened on these days"), CASES, CASE_KEYS, cases),
    Export("visits", _l("Download visits with cost totals"), _l("visits planned to start on these days"), VISITS,
           VISIT_KEYS, visits),
    Export("parts", _l("Download parts used"), _l("parts used on visits planned on these days"), PARTS, PART_KEYS,
           parts),
    Export("ratings", _l("Download ratings"), _l("ratings given on these days"), RATINGS, RATING_KEYS, ratings),
    Export("complaints", _l("Download complaints"), _l("complaints received on these days"), COMPLAINTS,
           COMPLAINT_KEYS, complaints),
)}
