"""The technician's day."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, request
from flask_login import current_user

from fieldapp.auth import roles
from fieldapp.htmx import respond
from fieldapp.models import Role
from fieldapp.services import costs, schedule

bp = Blueprint("technician", __name__)

DAY_RANGE = 31  # how far back or ahead the day switch may go


@bp.get("/today")
@roles(Role.TECHNICIAN)
def today():
    day = _requested_day()
    return respond("technician/today.html", "technician/_visit_list.html", _day_context(day))


def _requested_day() -> date:
    raw = request.args.get("day")
    if not raw:
        return schedule.today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, "The day must be a date like 2026-11-22.")
    if abs((day - schedule.today()).days) > DAY_RANGE:
        abort(400, f"Pick a day within {DAY_RANGE} days of today.")
    return day


def _day_context(day: date) -> dict:
    today = schedule.today()
    visits = schedule.technician_day(current_user, day)
    return {
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "visits": visits,
        "badges": {v.id: costs.coverage_badge(costs.coverage_for(v)) for v in visits},
    }
