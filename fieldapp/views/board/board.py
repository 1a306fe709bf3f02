"""The dispatcher's board: the queue of cases waiting for the office (filtered, sorted and paged
in SQL) and the technicians' lanes for a day or a week. It polls with an ETag, as Today does."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, request
from flask_babel import gettext as _

from fieldapp import clock
from fieldapp.forms.scheduling import QuickBookForm
from fieldapp.models import CaseStatus, Channel, Priority
from fieldapp.services import board as board_service, field_team
from fieldapp.values import parse_id
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.htmx import respond_polled
from fieldapp.web.params import day_arg, enum_arg, page_arg

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")

DAY_RANGE = 90  # how far the day switch goes either way


@bp.get("/")
@roles(*OFFICE)
def board():
    return respond_polled("dispatch/board.html", "dispatch/_board.html", _board_context())


def _board_context() -> dict:
    today = clock.today()
    day = day_arg("day", today, _("The day must be a date like 2026-11-24."), within_days=DAY_RANGE)
    week = request.args.get("view") == "week"
    first = day - timedelta(days=day.weekday()) if week else day
    days = 7 if week else 1
    filters = board_service.QueueFilters(enum_arg("status", CaseStatus), enum_arg("priority", Priority),
                                         enum_arg("channel", Channel))
    technicians = field_team.technicians()
    quick = QuickBookForm(formdata=None, day=day, start=None)
    quick.set_technicians(technicians)
    shown = _technician_arg(technicians)
    lane_page = board_service.lane_page([shown] if shown else technicians, page_arg("lanes"))
    queue = board_service.queue(filters, page_arg())
    needs_you = board_service.needs_you()
    return {
        "day": day, "week": week, "days": [first + timedelta(days=n) for n in range(days)],
        "today": today, "step": timedelta(days=days),
        "queue": queue, "clocks": board_service.queue_clocks(queue.cases), "filters": filters,
        "counts": board_service.queue_counts(), "lanes": board_service.lanes(first, days, lane_page.technicians),
        "quick_form": quick, "needs_you": needs_you, "mail_trouble": needs_you.mail_trouble,
        "statuses": board_service.QUEUE_STATUSES, "priorities": list(Priority), "channels": list(Channel),
        "technicians": technicians, "shown": shown, "lane_page": lane_page,
        # Per queued case, the technicians qualified for its product's category first.
        "rankings": field_team.ranked_per_case(queue.cases, technicians),
    }


def _technician_arg(technicians):
    """?technician=<id>: one technician's lane only."""
    raw = request.args.get("technician", "")
    if not raw:
        return None
    wanted = parse_id(raw)
    found = next((t for t in technicians if t.id == wanted), None)
    if found is None:
        abort(400, _("Unknown technician: choose one from the list."))
    return found
