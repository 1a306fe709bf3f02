"""The maintenance planner's button: create the proposed cases for a horizon."""
from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from fieldapp.forms import BaseForm
from fieldapp.services.maintenance import MAX_HORIZON_WEEKS as MAX_WEEKS


class PlanMaintenanceForm(BaseForm):
    weeks = IntegerField("Weeks ahead", validators=[InputRequired("Choose how many weeks ahead."),
                                                    NumberRange(1, MAX_WEEKS, f"Choose 1 to {MAX_WEEKS} weeks.")])
