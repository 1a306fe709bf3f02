"""Forms of coverage sales: a plan (admin), selling it on a product, and a renewal call."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField, IdSelectField, MoneyField
from fieldapp.models import RenewalOutcome

MAX_PLAN_MONTHS = 120
MAX_VISITS_PER_YEAR = 12
MAX_TARGET_HOURS = 24 * 90
KIND_CHOICES = [SelectChoice("extended_warranty", "Extended warranty"), SelectChoice("service_contract", "Service contract")]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _hours(label: str) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(1, MAX_TARGET_HOURS,
                                                                   f"Enter 1 to {MAX_TARGET_HOURS} hours, or leave it empty.")],
                        description="Leave empty: the company's targets per priority apply.")


class PlanForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter the plan's name."), Length(max=120)])
    kind = SelectField("Kind", choices=KIND_CHOICES, validators=[DataRequired("Choose the kind.")])
    months = IntegerField("Length (months)", default=12,
                          validators=[InputRequired("Enter the length in months."),
                                      NumberRange(1, MAX_PLAN_MONTHS, f"Enter 1 to {MAX_PLAN_MONTHS} months.")])
    price = MoneyField("Price", required=True, required_message="Enter the price, like 149.00.")
    covers_parts = BooleanField("Covers parts", default=True)
    covers_labour = BooleanField("Covers labour", default=True)
    covers_transport = BooleanField("Covers transport")
    maintenance_visits_per_year = IntegerField(
        "Maintenance visits included per year", default=0,
        validators=[InputRequired("Enter the visits per year (0 for none)."),
                    NumberRange(0, MAX_VISITS_PER_YEAR, f"Enter 0 to {MAX_VISITS_PER_YEAR}.")],
        description="The maintenance planner proposes a visit every 12 / N months while the plan runs.")
    response_hours = _hours("Response within (hours)")
    resolution_hours = _hours("Resolution within (hours)")
    terms = TextAreaField("Terms and conditions", validators=[Optional(), Length(max=4000)])

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
    plan_id = IdSelectField("Plan", message="Choose a plan from the list.")
    starts_on = DateField("Starts on", validators=[Optional()])
    price = MoneyField("Price", description="Leave empty to charge the plan's price.")
    reference = StringField("Contract / reference number", validators=[Optional(), Length(max=60)])

    def set_plans(self, plans, label) -> None:
        self.plan_id.choices = [SelectChoice(plan.id, label(plan)) for plan in plans]


class RenewalCallForm(BaseForm):
    outcome = SelectField("Outcome", choices=enum_choices(RenewalOutcome, "Choose…"),
                          validators=[DataRequired("Choose what the customer said.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
