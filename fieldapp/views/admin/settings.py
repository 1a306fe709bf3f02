"""Company settings (admin): service targets per priority, satisfaction calls, planning horizons,
the company's language and currency."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import languages
from fieldapp.forms.settings import SettingsForm
from fieldapp.models import Priority, Role
from fieldapp.services import settings
from fieldapp.web.actions import act
from fieldapp.web.auth import roles
from fieldapp.web.sections import OnForm

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _filled_form() -> SettingsForm:
    row, targets = settings.current(), settings.targets()
    values = {
        "satisfaction_call_days": row.satisfaction_call_days,
        "maintenance_horizon_weeks": row.maintenance_horizon_weeks,
        "renewal_notice_days": row.renewal_notice_days,
        "email_report_on_close": row.email_report_on_close,
        "language": row.language,
        "currency": row.currency,
        "return_policy": row.return_policy,
    }
    for priority, target in targets.items():
        values[f"response_{priority.value}"] = target.response_hours
        values[f"resolution_{priority.value}"] = target.resolution_hours
    return SettingsForm(formdata=None, data=values)


def _page(form: SettingsForm) -> str:
    return render_template("settings/index.html", form=form, defaults=settings.DEFAULT_TARGETS)


class SettingsSaved(OnForm):
    """Saved: this process reads the new language and currency at once (the others within
    languages.DEFAULTS_SECONDS); the next page speaks the company's new language."""

    def success(self, result):
        languages.forget_company_defaults()
        return super().success(result)


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _page(_filled_form())


@bp.post("/")
@roles(Role.ADMIN)
def save():
    form = SettingsForm()
    return act(form, lambda: settings.save(
        form.satisfaction_call_days.data, form.maintenance_horizon_weeks.data, form.renewal_notice_days.data,
        form.email_report_on_close.data,
        {p: settings.Target(form[f"response_{p.value}"].data, form[f"resolution_{p.value}"].data) for p in Priority},
        current_user, language=form.language.data, currency=form.currency.data,
        return_policy=form.return_policy.data),
        SettingsSaved(url_for("settings.index"), _("Settings saved."), lambda refused: _page(form)))
