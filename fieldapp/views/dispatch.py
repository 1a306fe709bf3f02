"""The dispatcher's board: the open-case queue and the day's visits per technician."""
from __future__ import annotations

from flask import Blueprint

from fieldapp.auth import OFFICE, roles
from fieldapp.htmx import conditional, respond
from fieldapp.services import schedule

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")


@bp.get("/")
@roles(*OFFICE)
def board():
    return conditional(respond("dispatch/board.html", "dispatch/_board.html", _board_context()))


def _board_context() -> dict:
    day = schedule.today()
    visits = schedule.visits_on(day)
    by_technician = {tech: [v for v in visits if v.technician_id == tech.id] for tech in schedule.technicians()}
    return {
        "day": day,
        "cases": schedule.open_cases(),
        "counts": schedule.case_counts(),
        "by_technician": by_technician,
    }
