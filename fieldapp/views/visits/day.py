"""The technician's day: Today (and the days around it), polled for changes every minute."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.models import Role
from fieldapp.services import costs, field_team
from fieldapp.web.auth import roles
from fieldapp.web.htmx import respond_polled
from fieldapp.web.params import day_arg

bp = Blueprint("technician", __name__)

DAY_RANGE = 31  # how far back or ahead the day switch may go


@bp.get("/today")
@roles(Role.TECHNICIAN)
def today():
    today = clock.today()
    day = day_arg("day", today, _("The day must be a date like 2026-11-22."), within_days=DAY_RANGE)
    cards = field_team.day_cards(current_user, day)
    return respond_polled("technician/today.html", "technician/_visit_list.html", {
        "day": day, "today": today, "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "visits": cards, "badges": {card.id: costs.coverage_badge(card.coverage) for card in cards},
    })
