"""CSV exports for the office: one page with the date range and filters, and one download per
kind of data, streamed as it is read (fieldapp.services.exports, fieldapp.csv_stream). Every
parameter is checked before the first row is read: a wrong one is a 400 page saying why."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context
from wtforms import Form

from fieldapp import csv_stream
from fieldapp.auth import OFFICE, roles
from fieldapp.dates import add_months
from fieldapp.domain import DomainError
from fieldapp.downloads import content_disposition
from fieldapp.forms.fields import IdField
from fieldapp.params import parse_id
from fieldapp.services import exports, schedule

bp = Blueprint("exports", __name__, url_prefix="/exports")

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
KINDS = ", ".join(exports.EXPORTS)


class CustomerFilter(Form):
    """Only rendered, for the customer picker (customers/_picker.html): the download reads ?customer_id=."""

    customer_id = IdField("Or one customer")


def this_month() -> tuple[date, date]:
    first = schedule.today().replace(day=1)
    return first, add_months(first, 1) - timedelta(days=1)


@bp.get("/")
@roles(*OFFICE)
def index():
    first, last = this_month()
    return render_template("exports/index.html", exports=exports.EXPORTS.values(), first=first, last=last,
                           technicians=exports.technicians(), models=exports.product_models(),
                           customer_form=CustomerFilter(), timezone=current_app.config["COMPANY_TIMEZONE"],
                           max_years=exports.MAX_YEARS, earliest=exports.EARLIEST, latest=exports.LATEST)


@bp.get(f"/<any({KINDS}):kind>.csv")
@roles(*OFFICE)
def download(kind: str):
    export = exports.EXPORTS[kind]
    filters = _filters()
    body = csv_stream.stream(export.header, export.rows(filters), bom=_flag("excel"))
    response = Response(stream_with_context(body), content_type="text/csv; charset=utf-8")
    name = f"fieldapp-{kind}-{filters.first.isoformat()}-to-{filters.last.isoformat()}.csv"
    response.headers["Content-Disposition"] = content_disposition(name, "attachment")
    response.headers["Cache-Control"] = "no-store"  # customer data: not kept on disk by the browser
    return response


def _filters() -> exports.Filters:
    first, last = this_month()
    filters = exports.Filters(
        _day_arg("from", "start", first), _day_arg("to", "end", last),
        _id_arg("technician_id", "technician"), _id_arg("model_id", "product model"),
        _id_arg("customer_id", "customer"))
    try:
        exports.check(filters)
    except DomainError as error:
        abort(400, error.message)
    return filters


def _day_arg(name: str, label: str, default: date) -> date:
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not _DAY.fullmatch(raw):
        abort(400, f"The {label} date must be a date like 2026-01-31.")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, f"The {label} date {raw} is not in the calendar.")


def _id_arg(name: str, label: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        abort(400, f"Unknown {label}: choose one from the list.")
    return value


def _flag(name: str) -> bool:
    raw = request.args.get(name, "")
    if raw not in ("", "1", "y"):
        abort(400, "The Excel option is either on (1) or left out.")
    return bool(raw)
