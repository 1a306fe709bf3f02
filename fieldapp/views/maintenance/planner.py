"""The maintenance planner for the dispatcher: what falls due in the next weeks, one button to
put those cases in the queue, and the maintenance cases already open."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from fieldapp import clock
from fieldapp.forms.maintenance import PlanMaintenanceForm
from fieldapp.services import maintenance, settings
from fieldapp.values import parse_id
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import page_arg
from fieldapp.web.sections import OnForm

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")

PAGE = 25


def _weeks_arg() -> int:
    raw = request.args.get("weeks", "")
    if not raw:
        return settings.current().maintenance_horizon_weeks
    weeks = parse_id(raw)
    if weeks is None or weeks > maintenance.MAX_HORIZON_WEEKS:
        abort(400, _("Choose 1 to %(max)s weeks ahead.", max=maintenance.MAX_HORIZON_WEEKS))
    return weeks


def _page(weeks: int, form: PlanMaintenanceForm | None = None) -> str:
    today = clock.today()
    preview = maintenance.preview(weeks, today)
    page = page_arg()
    ids = [asset_id for asset_id, _due_on in preview.page(page, PAGE)]
    dues = maintenance.details(ids, today)
    cases_page = page_arg("cases_page")
    open_cases, more_cases = maintenance.open_cases(cases_page, PAGE)
    return render_template(
        "maintenance/index.html", preview=preview, weeks=weeks, today=today,
        shown=[dues[asset_id] for asset_id in ids if asset_id in dues],
        assets=maintenance.assets_for(ids), describe=maintenance.describe, page=page,
        pages=max(1, -(-preview.count // PAGE)), open_cases=open_cases, cases_page=cases_page,
        more_cases=more_cases, max_weeks=maintenance.MAX_HORIZON_WEEKS,
        plan_form=form or PlanMaintenanceForm(formdata=None, weeks=weeks))


@bp.get("/")
@roles(*OFFICE)
def index():
    return _page(_weeks_arg())


@bp.post("/plan")
@roles(*OFFICE)
def plan():
    form = PlanMaintenanceForm()

    def planned(result) -> str:
        return ngettext("%(num)d maintenance case created; %(planned)d already planned.",
                        "%(num)d maintenance cases created; %(planned)d already planned.",
                        result.created, planned=result.already_planned)

    def refused_page(refused: Refused) -> str:
        valid = form.weeks.data and not form.weeks.errors
        return _page(form.weeks.data if valid else settings.current().maintenance_horizon_weeks, form)

    return act(form, lambda: maintenance.plan(form.weeks.data, clock.today(), current_user),
               OnForm(lambda result: url_for("maintenance.index", weeks=form.weeks.data, _anchor="open-cases"),
                      planned, refused_page))
