"""The maintenance planner for the dispatcher: what falls due in the next weeks, one button to
put those cases in the queue, and the maintenance cases already open."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms.maintenance import PlanMaintenanceForm
from fieldapp.htmx import see_other
from fieldapp.params import page_arg, parse_id
from fieldapp.services import maintenance, schedule, settings
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")

PAGE = 25


def _weeks_arg() -> int:
    raw = request.args.get("weeks", "")
    if not raw:
        return settings.current().maintenance_horizon_weeks
    weeks = parse_id(raw)
    if weeks is None or weeks > maintenance.MAX_HORIZON_WEEKS:
        abort(400, f"Choose 1 to {maintenance.MAX_HORIZON_WEEKS} weeks ahead.")
    return weeks


def _page(weeks: int, form: PlanMaintenanceForm | None = None, status: int = 200):
    today = schedule.today()
    preview = maintenance.preview(weeks, today)
    page = page_arg()
    shown = preview.proposals[(page - 1) * PAGE:page * PAGE]
    cases_page = page_arg("cases_page")
    open_cases, more_cases = maintenance.open_cases(cases_page, PAGE)
    return render_template(
        "maintenance/index.html", preview=preview, weeks=weeks, today=today, shown=shown,
        assets=maintenance.assets_for(shown), describe=maintenance.describe, page=page,
        pages=max(1, -(-len(preview.proposals) // PAGE)), open_cases=open_cases, cases_page=cases_page,
        more_cases=more_cases, max_weeks=maintenance.MAX_HORIZON_WEEKS,
        plan_form=form or PlanMaintenanceForm(formdata=None, weeks=weeks)), status


@bp.get("/")
@roles(*OFFICE)
def index():
    return _page(_weeks_arg())


@bp.post("/plan")
@roles(*OFFICE)
def plan():
    form = PlanMaintenanceForm()

    def done(result):
        flash(f"{result.created} maintenance case{'' if result.created == 1 else 's'} created; "
              f"{result.already_planned} already planned.", "success")
        return see_other(url_for("maintenance.index", weeks=form.weeks.data, _anchor="open-cases"))

    def refused(refusal: Refusal):
        valid = form.weeks.data and not form.weeks.errors
        weeks = form.weeks.data if valid else settings.current().maintenance_horizon_weeks
        return _page(weeks, form, refusal.status)

    return perform(form, lambda: maintenance.plan(form.weeks.data, schedule.today(), current_user), done, refused)
