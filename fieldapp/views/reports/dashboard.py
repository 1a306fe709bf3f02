"""Reports: the improvement dashboard (process step 8) for a period against the one before it,
and the visits behind each figure."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from fieldapp import clock
from fieldapp.services import dashboard, dashboard_cache, improvement
from fieldapp.services.dashboard import PRESETS, Filters, Period
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import day_arg, id_arg, page_arg

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

def _date_arg(name: str, message: str) -> date:
    if not request.args.get(name):
        abort(400, message)
    return day_arg(name, date.min, message)


def _period() -> tuple[Period, str | None]:
    """The period asked for: a preset, or from/to (both days included); the last 30 days by default."""
    name = request.args.get("preset", "")
    today = clock.today()
    if name:
        if name not in PRESETS:
            abort(400, _("Choose a period from the list, or enter its dates."))
        return dashboard.preset(name, today), name
    if not request.args.get("from") and not request.args.get("to"):
        return dashboard.preset("last_30_days", today), "last_30_days"
    period = Period(_date_arg("from", _("Enter the first day as a date like 2026-03-01.")),
                    _date_arg("to", _("Enter the last day as a date like 2026-03-01.")))
    try:
        dashboard.check(period)
    except ValueError as error:
        abort(400, str(error))
    return period, None


@bp.get("/")
@roles(*OFFICE)
def index():
    period, chosen = _period()
    report, computed_at = dashboard_cache.report_for(period)
    actions = improvement.on_dashboard()  # live, beside the stored figures: what was done since
    return render_template("dashboard/index.html", report=dashboard.for_reader(report), computed_at=computed_at, period=period,
                           chosen=chosen, cache_minutes=current_app.config["DASHBOARD_CACHE_SECONDS"] // 60,
                           presets=PRESETS, rise_points=dashboard.RISE_POINTS, rise_min=dashboard.RISE_MIN_COUNT,
                           actions=actions, action_figures=improvement.figures(actions),
                           figure_days=improvement.FIGURE_DAYS, repeat_days=improvement.REPEAT_DAYS,
                           aspect_labels=dashboard.ASPECT_LABELS)


@bp.get("/visits")
@roles(*OFFICE)
def cases():
    period, _preset = _period()
    filters = Filters(id_arg("model_id", _("Unknown model: follow a link from the Reports page.")),
                      id_arg("technician_id", _("Unknown technician: follow a link from the Reports page.")),
                      id_arg("code_id", _("Unknown fault code: follow a link from the Reports page.")))
    page = page_arg()
    rows, more = dashboard.drill_down(period, filters, page)
    return render_template("dashboard/cases.html", rows=rows, more=more, page=page, period=period, filters=filters,
                           described=dashboard.filter_labels(filters))
