"""Forms of coverage sales: a plan (admin), selling it on a product, and a renewal call."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField, IdSelectField, MoneyField
from fieldapp.models import RenewalOutcome

MAX_PLAN_MONTHS = 120
MAX_VISITS_PER_YEAR = 12
MAX_TARGET_HOURS = 24 * 90
KIND_CHOICES = [SelectChoice("extended_warranty", _l("Extended warranty")),
                SelectChoice("service_contract", _l("Service contract"))]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _hours(label) -> IntegerField:
    # NumberRange fills in %(min)s and %(max)s.
    within = NumberRange(1, MAX_TARGET_HOURS, _l("Enter %(min)s to %(max)s hours, or leave it empty."))
    return IntegerField(label, validators=[Optional(), within],
                        description=_l("Leave empty: the company's targets per priority apply."))


class PlanForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the plan's name.")), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[DataRequired(_l("Choose the kind."))])
    months = IntegerField(_l("Length (months)"), default=12,
                          validators=[InputRequired(_l("Enter the length in months.")),
                                      NumberRange(1, MAX_PLAN_MONTHS, _l("Enter %(min)s to %(max)s months."))])
    price = MoneyField(_l("Price"), required=True, required_message=_l("Enter the price, like 149.00."))
    covers_parts = BooleanField(_l("Covers parts"), default=True)
    covers_labour = BooleanField(_l("Covers labour"), default=True)
    covers_transport = BooleanField(_l("Covers transport"))
    maintenance_visits_per_year = IntegerField(
        _l("Maintenance visits included per year"), default=0,
        validators=[InputRequired(_l("Enter the visits per year (0 for none).")),
                    NumberRange(0, MAX_VISITS_PER_YEAR, _l("Enter %(min)s to %(max)s."))],
        description=_l("The maintenance planner proposes a visit every 12 / N months while the plan runs."))
    response_hours = _hours(_l("Response within (hours)"))
    resolution_hours = _hours(_l("Resolution within (hours)"))
    terms = TextAreaField(_l("Terms and conditions"), validators=[Optional(), Length(max=4000)])

    def values(self) -> dict:
        return {
            "name": self.name.data, "kind": self.kind.data, "months": self.months.data, "price_cents": self.price.cents,
            "covers_parts": self.covers_parts.data, "covers_labour": self.covers_labour.data,
            "covers_transport": self.covers_transport.data,
            "maintenance_visits_per_year": self.maintenance_visits_per_year.data,
            "response_hours": self.response_hours.data, "resolution_hours": self.resolution_hours.data,
            "terms": _text(self.terms.data),
        }


class SellPlanForm(BaseForm):
    # A double tap on "Sell" sells once (see services.idempotency).
    client_id = ClientIdField()
    plan_id = IdSelectField(_l("Plan"), message=_l("Choose a plan from the list."))
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    price = MoneyField(_l("Price"), description=_l("Leave empty to charge the plan's price."))
    reference = StringField(_l("Contract / reference number"), validators=[Optional(), Length(max=60)])

    def set_plans(self, plans, label) -> None:
        self.plan_id.choices = [SelectChoice(plan.id, label(plan)) for plan in plans]


class RenewalCallForm(BaseForm):
    outcome = SelectField(_l("Outcome"), choices=enum_choices(RenewalOutcome, _l("Choose…")),
                          validators=[DataRequired(_l("Choose what the customer said."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
