"""The maintenance planner's button: create the proposed cases for a horizon."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from fieldapp.forms import BaseForm
from fieldapp.services.maintenance import MAX_HORIZON_WEEKS as MAX_WEEKS


class PlanMaintenanceForm(BaseForm):
    # NumberRange fills in %(min)s and %(max)s.
    weeks = IntegerField(_l("Weeks ahead"), validators=[
        InputRequired(_l("Choose how many weeks ahead.")),
        NumberRange(1, MAX_WEEKS, _l("Choose %(min)s to %(max)s weeks."))])
