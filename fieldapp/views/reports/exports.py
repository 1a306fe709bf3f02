"""CSV exports for the office: one page with the date range and filters, and one download per
kind of data, streamed as it is read (services/exports.py, web/csv_stream.py). Every parameter
is checked before the first row is read: a wrong one is a 400 page saying why."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from wtforms import Form

from fieldapp import clock
from fieldapp.dates import add_months
from fieldapp.domain import DomainError
from fieldapp.forms.fields import IdField
from fieldapp.services import exports
from fieldapp.web import csv_stream
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.downloads import content_disposition
from fieldapp.web.params import day_arg, id_arg

bp = Blueprint("exports", __name__, url_prefix="/exports")

KINDS = ", ".join(exports.EXPORTS)
UNKNOWN = "Unknown {}: choose one from the list."


class CustomerFilter(Form):
    """Only rendered, for the customer picker (customers/_picker.html): the download reads ?customer_id=."""

    customer_id = IdField("Or one customer")


def this_month() -> tuple[date, date]:
    first = clock.today().replace(day=1)
    return first, add_months(first, 1) - timedelta(days=1)


@bp.get("/")
@roles(*OFFICE)
def index():
    first, last = this_month()
    return render_template("exports/index.html", exports=exports.EXPORTS.values(), first=first, last=last,
                           technicians=exports.technicians(), models=exports.product_models(),
                           customer_form=CustomerFilter(), timezone=clock.zone_name(),
                           max_years=exports.MAX_YEARS, earliest=exports.EARLIEST, latest=exports.LATEST)


@bp.get(f"/<any({KINDS}):kind>.csv")
@roles(*OFFICE)
def download(kind: str):
    export = exports.EXPORTS[kind]
    filters = _filters()
    body = csv_stream.stream(export.header, export.rows(filters), bom=_excel())
    response = Response(stream_with_context(body), content_type="text/csv; charset=utf-8")
    name = f"fieldapp-{kind}-{filters.first.isoformat()}-to-{filters.last.isoformat()}.csv"
    response.headers["Content-Disposition"] = content_disposition(name, "attachment")
    response.headers["Cache-Control"] = "no-store"  # customer data: not kept on disk by the browser
    return response


def _filters() -> exports.Filters:
    first, last = this_month()
    filters = exports.Filters(
        _day("from", "start", first), _day("to", "end", last),
        id_arg("technician_id", UNKNOWN.format("technician")), id_arg("model_id", UNKNOWN.format("product model")),
        id_arg("customer_id", UNKNOWN.format("customer")))
    try:
        exports.check(filters)
    except DomainError as error:
        abort(400, error.message)
    return filters


def _day(name: str, label: str, default: date) -> date:
    return day_arg(name, default, f"The {label} date must be a date like 2026-01-31.",
                   not_a_day=f"The {label} date {request.args.get(name, '')} is not in the calendar.")


def _excel() -> bool:
    raw = request.args.get("excel", "")
    if raw not in ("", "1", "y"):
        abort(400, "The Excel option is either on (1) or left out.")
    return bool(raw)
