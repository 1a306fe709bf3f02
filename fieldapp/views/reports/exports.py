"""CSV exports for the office: one page with the date range and filters, and one download per
kind of data, streamed as it is read (services/exports.py, web/csv_stream.py). Every parameter
is checked before the first row is read: a wrong one is a 400 page saying why."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _, lazy_gettext as _l
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


class CustomerFilter(Form):
    """Only rendered, for the customer picker (customers/_picker.html): the download reads ?customer_id=."""

    customer_id = IdField(_l("Or one customer"))


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
    # The header row in the reader's language, or (?keys=1) the columns' stable keys for programs.
    # With them, enums as their stored values: a program's view of the file does not change with
    # the language of whoever downloads it.
    keys = _flag("keys", _("The keys option is either on (1) or left out."))
    header = export.keys if keys else tuple(str(name) for name in export.header)
    body = csv_stream.stream(header, export.rows(filters), bom=_excel(), codes=keys)
    response = Response(stream_with_context(body), content_type="text/csv; charset=utf-8")
    name = f"fieldapp-{kind}-{filters.first.isoformat()}-to-{filters.last.isoformat()}.csv"
    response.headers["Content-Disposition"] = content_disposition(name, "attachment")
    response.headers["Cache-Control"] = "no-store"  # customer data: not kept on disk by the browser
    return response


def _filters() -> exports.Filters:
    first, last = this_month()
    filters = exports.Filters(
        day_arg("from", first, _("The start date must be a date like 2026-01-31."),
                not_a_day=_("The start date %(day)s is not in the calendar.", day=request.args.get("from", ""))),
        day_arg("to", last, _("The end date must be a date like 2026-01-31."),
                not_a_day=_("The end date %(day)s is not in the calendar.", day=request.args.get("to", ""))),
        id_arg("technician_id", _("Unknown technician: choose one from the list.")),
        id_arg("model_id", _("Unknown product model: choose one from the list.")),
        id_arg("customer_id", _("Unknown customer: choose one from the list.")))
    try:
        exports.check(filters)
    except DomainError as error:
        abort(400, error.message)
    return filters


def _excel() -> bool:
    return _flag("excel", _("The Excel option is either on (1) or left out."))


def _flag(name: str, message: str) -> bool:
    """?name=1 (or y) on, left out off; anything else is a 400 with `message`."""
    raw = request.args.get(name, "")
    if raw not in ("", "1", "y"):
        abort(400, message)
    return bool(raw)
