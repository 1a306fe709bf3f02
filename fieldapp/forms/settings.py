"""The company's settings: service targets per priority and after-visit habits."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from fieldapp.forms import BaseForm
from fieldapp.models import Priority

MAX_TARGET_HOURS = 24 * 90


def _hours(label: str) -> IntegerField:
    return IntegerField(label, validators=[
        InputRequired("Enter a number of hours."),
        NumberRange(1, MAX_TARGET_HOURS, f"Between 1 and {MAX_TARGET_HOURS} hours.")])


class SettingsForm(BaseForm):
    satisfaction_call_days = IntegerField("Satisfaction call, days after a completed visit", validators=[
        Optional(), NumberRange(1, 365, "Between 1 and 365 days, or empty for no calls.")])
    maintenance_horizon_weeks = IntegerField("Plan maintenance this many weeks ahead", validators=[
        InputRequired("Enter a number of weeks."), NumberRange(1, 52, "Between 1 and 52 weeks.")])
    renewal_notice_days = IntegerField("List coverage for a renewal call this many days before it ends", validators=[
        InputRequired("Enter a number of days."), NumberRange(1, 365, "Between 1 and 365 days.")])
    email_report_on_close = BooleanField("Email the After-Sale Services Report to the customer when a case is closed")

    def target_fields(self):
        """(priority, response field, resolution field) for each priority, most urgent first."""
        return [(p, self[f"response_{p.value}"], self[f"resolution_{p.value}"]) for p in reversed(list(Priority))]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for priority, response, resolution in self.target_fields():
            if response.data and resolution.data and resolution.data < response.data:
                resolution.errors.append("Resolution cannot come before the first response.")
                ok = False
        return ok


for _priority in Priority:
    setattr(SettingsForm, f"response_{_priority.value}", _hours(f"{_priority.label}: first response (hours)"))
    setattr(SettingsForm, f"resolution_{_priority.value}", _hours(f"{_priority.label}: resolution (hours)"))
