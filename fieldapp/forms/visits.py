"""Forms of the visit page: workflow steps, one small form per captured field, parts, photos."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fieldapp import money
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.faults import CodeChoiceField
from fieldapp.forms.fields import ClientIdField, HappenedAtField, IdField, MoneyField
from fieldapp.models import (
    FollowUpRecommendation, NotCompletedReason, Outcome, PaymentStatus, ServiceType, Visit,
)
from fieldapp.services import faults

TEXT_MAX = 4000


def _enum_select(label, enum_cls, message, placeholder=None):
    return SelectField(label, choices=enum_choices(enum_cls, placeholder), validators=[DataRequired(message)])


class WriteForm(BaseForm):
    client_id = ClientIdField()
    happened_at = HappenedAtField()  # set by the offline queue: when the technician did it


class StepForm(WriteForm):
    """A button and the write id."""


class FirstStepForm(StepForm):
    """Start travel / arrived. On a visit planned for another day the technician ticks that they
    mean it (services/visits.on_its_day); the page shows the box only then."""

    other_day = BooleanField("I am doing it today")


class CompleteForm(WriteForm):
    labour_minutes = IntegerField(
        "Labour minutes", validators=[Optional(), NumberRange(0, 24 * 60, "Enter minutes between 0 and 1440.")])


class NotCompletedForm(WriteForm):
    reason = _enum_select("Reason", NotCompletedReason, "Choose a reason.", "Choose…")
    note = TextAreaField("Note", validators=[Optional(), Length(max=TEXT_MAX)])


# One form per captured piece of the report: saved as entered, each its own swap target. A form
# reads the visit to show it and parses what was typed; services/visit_report.py saves it.
class VisitFieldForm(WriteForm):
    name: str
    title: str

    def prepare(self, visit: Visit) -> None:
        """Set what the form offers on this visit (its choices), before it loads or validates."""

    def load(self, visit: Visit) -> None:
        raise NotImplementedError

    def values(self) -> dict:
        """What was typed, parsed: the keyword arguments of the field's setter in visit_report."""
        raise NotImplementedError


class EnumFieldForm(VisitFieldForm):
    """A choice from an enum, stored in the visit attribute of the form's name."""

    enum_cls: type

    def load(self, visit):
        value = getattr(visit, self.name)
        self[self.name].data = value.value if value else ""

    def values(self):
        return {self.name: self.enum_cls(self[self.name].data)}


class ServiceTypeForm(EnumFieldForm):
    name, title, enum_cls = "service_type", "Service type", ServiceType
    service_type = _enum_select("Service type", ServiceType, "Choose the service type.")


class OutcomeForm(EnumFieldForm):
    name, title, enum_cls = "outcome", "Outcome", Outcome
    outcome = _enum_select("Outcome", Outcome, "Choose the outcome.", "Choose…")


def _report_text(label: str, description: str) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=TEXT_MAX)], description=description)


class TextFieldForm(VisitFieldForm):
    """A free-text field named after the visit attribute it saves."""

    def load(self, visit):
        self[self.name].data = getattr(visit, self.name) or ""

    def values(self):
        return {"text": self[self.name].data}


class ActionsForm(TextFieldForm):
    name, title = "actions_taken", "Actions taken"
    actions_taken = _report_text("Actions taken", "What you did: replaced, repaired, recalibrated, tested.")


class AdviceForm(TextFieldForm):
    name, title = "preventative_advice", "Preventative advice"
    preventative_advice = _report_text("Preventative advice", "How the customer can prevent this happening again.")
    add_tip = StringField(validators=[Optional(), Length(max=500)])

    def values(self):
        return {"text": self.preventative_advice.data, "tip": self.add_tip.data}


class NextStepsForm(TextFieldForm):
    name, title = "next_steps", "Next steps"
    next_steps = _report_text("Next steps", "Further services, maintenance schedule, updates promised.")


class FollowUpForm(VisitFieldForm):
    name, title = "follow_up", "Follow-up"
    follow_up = _enum_select("Recommend a follow-up", FollowUpRecommendation, "Choose a follow-up.")
    days = IntegerField("In how many days", validators=[Optional(), NumberRange(1, 365, "Enter 1 to 365 days.")])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: Optional() on `days` would stop a field-level check when it is empty.
        if valid and self.follow_up.data != FollowUpRecommendation.NONE.value and self.days.data is None:
            self.days.errors.append("Enter in how many days.")
            return False
        return valid

    def load(self, visit):
        self.follow_up.data = visit.follow_up.value
        self.days.data = visit.follow_up_days

    def values(self):
        return {"recommendation": FollowUpRecommendation(self.follow_up.data), "days": self.days.data}


class TransportForm(VisitFieldForm):
    name, title = "transport_cost", "Transport cost"
    amount = MoneyField("Transport cost", required=True, required_message="Enter the transport cost, or 0.")

    def load(self, visit):
        self.amount.data = money.as_input(visit.transport_cost_cents)

    def values(self):
        return {"cents": self.amount.cents}


class OtherCostForm(VisitFieldForm):
    """Anything else charged on the visit (a disposal fee, a call-out surcharge): always billable."""
    name, title = "other_cost", "Other costs"
    other_amount = MoneyField("Other costs")
    other_note = StringField("What for", validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.other_amount.cents and not (self.other_note.data or "").strip():
            self.other_note.errors.append("Say what the cost is for: it is printed on the customer's report.")
            return False
        return valid

    def load(self, visit):
        self.other_amount.data = money.as_input(visit.other_cost_cents or None)
        self.other_note.data = visit.other_cost_note

    def values(self):
        return {"cents": self.other_amount.cents, "note": self.other_note.data}


class PaymentForm(EnumFieldForm):
    name, title, enum_cls = "payment_status", "Payment status", PaymentStatus
    payment_status = _enum_select("Payment status", PaymentStatus, "Choose the payment status.", "Not settled yet")


class FaultCodesForm(VisitFieldForm):
    """Symptom, cause and remedy, each picked with one tap from the codes for the product's category."""
    name, title = "fault_codes", "Fault codes"
    symptom_code_id = CodeChoiceField("Symptom")
    cause_code_id = CodeChoiceField("Cause")
    remedy_code_id = CodeChoiceField("Remedy")

    def prepare(self, visit):
        offer = faults.offered(visit)
        for kind, field in faults.KIND_FIELDS.items():
            self[field].offer(offer[kind])

    def load(self, visit):
        for field in faults.KIND_FIELDS.values():
            self[field].data = getattr(visit, field)

    def values(self):
        return {"codes": {kind: self[field].data for kind, field in faults.KIND_FIELDS.items()}}


FIELD_FORMS: dict[str, type[VisitFieldForm]] = {
    form.name: form for form in (ServiceTypeForm, OutcomeForm, FaultCodesForm, ActionsForm, AdviceForm, FollowUpForm,
                                 NextStepsForm, TransportForm, OtherCostForm, PaymentForm)
}


class PartRowFields(WriteForm):
    quantity = IntegerField("Quantity", validators=[
        InputRequired("Enter a quantity."), NumberRange(1, 999, "The quantity must be between 1 and 999.")])
    unit_cost = MoneyField("Unit cost")  # empty when adding: the catalog price
    faulty_serial = StringField("Faulty part serial", validators=[Optional(), Length(max=80)])
    replacement_serial = StringField("Replacement serial", validators=[Optional(), Length(max=80)])


class AddPartForm(PartRowFields):
    part_id = IdField(message="Choose a part from the search.")


class EditPartForm(PartRowFields):
    unit_cost = MoneyField("Unit cost", required=True, required_message="Enter the unit cost.")
    covered = BooleanField("Covered by warranty/contract")


class PhotoForm(WriteForm):
    photo = FileField("Photo", validators=[FileRequired("Take or choose a photo first.")])
