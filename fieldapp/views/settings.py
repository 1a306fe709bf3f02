"""Company settings (admin): service targets per priority, satisfaction calls, planning horizons."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for

from fieldapp.auth import roles
from fieldapp.forms.settings import SettingsForm
from fieldapp.htmx import see_other
from fieldapp.models import Priority, Role
from fieldapp.services import audit, settings
from fieldapp.views.writes import perform

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _filled_form() -> SettingsForm:
    row, targets = settings.current(), settings.targets()
    values = {
        "satisfaction_call_days": row.satisfaction_call_days,
        "maintenance_horizon_weeks": row.maintenance_horizon_weeks,
        "renewal_notice_days": row.renewal_notice_days,
        "email_report_on_close": row.email_report_on_close,
    }
    for priority, target in targets.items():
        values[f"response_{priority.value}"] = target.response_hours
        values[f"resolution_{priority.value}"] = target.resolution_hours
    return SettingsForm(formdata=None, data=values)


def _page(form: SettingsForm, status: int = 200):
    return render_template("settings/index.html", form=form, defaults=settings.DEFAULT_TARGETS), status


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _page(_filled_form())


@bp.post("/")
@roles(Role.ADMIN)
def save():
    form = SettingsForm()

    def apply():
        row = settings.editable()
        row.satisfaction_call_days = form.satisfaction_call_days.data
        row.maintenance_horizon_weeks = form.maintenance_horizon_weeks.data
        row.renewal_notice_days = form.renewal_notice_days.data
        row.email_report_on_close = form.email_report_on_close.data
        for priority in Priority:
            settings.set_target(priority, form[f"response_{priority.value}"].data,
                                form[f"resolution_{priority.value}"].data)
        audit.record("settings.changed", row, {"targets": {
            p.value: [form[f"response_{p.value}"].data, form[f"resolution_{p.value}"].data] for p in Priority}})

    def done(_):
        flash("Settings saved.", "success")
        return see_other(url_for("settings.index"))

    return perform(form, apply, done, lambda refusal: _page(form, refusal.status))
