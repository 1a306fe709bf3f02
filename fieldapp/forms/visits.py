"""Forms of the visit page: workflow steps, one small form per captured field, parts, photos."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from fieldapp import money
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.faults import CodeChoiceField
from fieldapp.forms.fields import ClientIdField, HappenedAtField, IdField, MoneyField, MultiCheckboxField
from fieldapp.models import (
    FollowUpRecommendation,
    NotCompletedReason,
    Outcome,
    PaymentStatus,
    ServiceType,
    Visit,
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

    other_day = BooleanField(_l("I am doing it today"))


ARRIVAL_MINUTES = (10, 15, 20, 30, 45, 60, 90)


class StartTravelForm(FirstStepForm):
    """Start travel, with what the customer is told ("on my way"): about N minutes, or the window."""

    arrival_minutes = SelectField(_l("Tell the customer I arrive in"), coerce=lambda v: int(v) if v else None,
                                  choices=[SelectChoice("", "")] + [SelectChoice(str(m), str(m)) for m in ARRIVAL_MINUTES],
                                  validate_choice=False, validators=[Optional()])

    def validate_arrival_minutes(self, field):
        if field.data is not None and field.data not in ARRIVAL_MINUTES:
            raise ValidationError(_("Choose one of the times in the list."))


class CompleteForm(WriteForm):
    labour_minutes = IntegerField(
        _l("Labour minutes"), validators=[Optional(), NumberRange(0, 24 * 60, _l("Enter minutes between 0 and 1440."))])


class NotCompletedForm(WriteForm):
    reason = _enum_select(_l("Reason"), NotCompletedReason, _l("Choose a reason."), _l("Choose…"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=TEXT_MAX)])


# One form per captured piece of the report: saved as entered, each its own swap target. A form
# reads the visit to show it and parses what was typed; services/visit_report.py saves it.
class VisitFieldForm(WriteForm):
    name: str
    title: str  # lazy texts (_l): read in the language of whoever looks
    save_label: str  # its button: "Save outcome"

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
    """The main kind of service, and any others given on the same visit ("Installation and
    Maintenance")."""
    name, title, enum_cls = "service_type", _l("Service type"), ServiceType
    save_label = _l("Save service type")
    service_type = _enum_select(_l("Service type"), ServiceType, _l("Choose the service type."))
    also_done = MultiCheckboxField(_l("Also done on this visit"), choices=enum_choices(ServiceType))

    def load(self, visit):
        super().load(visit)
        self.also_done.data = [t.value for t in visit.also_done]

    def values(self):
        main = ServiceType(self.service_type.data)
        return {"service_type": main,
                "also": [ServiceType(v) for v in dict.fromkeys(self.also_done.data or []) if v != main.value]}


class OutcomeForm(EnumFieldForm):
    name, title, enum_cls = "outcome", _l("Outcome"), Outcome
    save_label = _l("Save outcome")
    outcome = _enum_select(_l("Outcome"), Outcome, _l("Choose the outcome."), _l("Choose…"))


def _report_text(label, description) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=TEXT_MAX)], description=description)


class TextFieldForm(VisitFieldForm):
    """A free-text field named after the visit attribute it saves."""

    def load(self, visit):
        self[self.name].data = getattr(visit, self.name) or ""

    def values(self):
        return {"text": self[self.name].data}


class ActionsForm(TextFieldForm):
    name, title, save_label = "actions_taken", _l("Actions taken"), _l("Save actions taken")
    actions_taken = _report_text(_l("Actions taken"), _l("What you did: replaced, repaired, recalibrated, tested."))


class AdviceForm(TextFieldForm):
    name, title, save_label = "preventative_advice", _l("Preventative advice"), _l("Save preventative advice")
    preventative_advice = _report_text(_l("Preventative advice"),
                                       _l("How the customer can prevent this happening again."))
    add_tip = StringField(validators=[Optional(), Length(max=500)])

    def values(self):
        return {"text": self.preventative_advice.data, "tip": self.add_tip.data}


class NextStepsForm(TextFieldForm):
    name, title, save_label = "next_steps", _l("Next steps"), _l("Save next steps")
    next_steps = _report_text(_l("Next steps"), _l("Further services, maintenance schedule, updates promised."))


class FollowUpForm(VisitFieldForm):
    name, title, save_label = "follow_up", _l("Follow-up"), _l("Save follow-up")
    follow_up = _enum_select(_l("Recommend a follow-up"), FollowUpRecommendation, _l("Choose a follow-up."))
    days = IntegerField(_l("In how many days"),
                        validators=[Optional(), NumberRange(1, 365, _l("Enter 1 to 365 days."))])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: Optional() on `days` would stop a field-level check when it is empty.
        if valid and self.follow_up.data != FollowUpRecommendation.NONE.value and self.days.data is None:
            self.days.errors.append(_("Enter in how many days."))
            return False
        return valid

    def load(self, visit):
        self.follow_up.data = visit.follow_up.value
        self.days.data = visit.follow_up_days

    def values(self):
        return {"recommendation": FollowUpRecommendation(self.follow_up.data), "days": self.days.data}


class TransportForm(VisitFieldForm):
    name, title, save_label = "transport_cost", _l("Transport cost"), _l("Save transport cost")
    amount = MoneyField(_l("Transport cost"), required=True, required_message=_l("Enter the transport cost, or 0."))

    def load(self, visit):
        self.amount.data = money.as_input(visit.transport_cost_cents)

    def values(self):
        return {"cents": self.amount.cents}


class OtherCostForm(VisitFieldForm):
    """Anything else charged on the visit (a disposal fee, a call-out surcharge): always billable."""
    name, title, save_label = "other_cost", _l("Other costs"), _l("Save other costs")
    other_amount = MoneyField(_l("Other costs"))
    other_note = StringField(_l("What for"), validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.other_amount.cents and not (self.other_note.data or "").strip():
            self.other_note.errors.append(_("Say what the cost is for: it is printed on the customer's report."))
            return False
        return valid

    def load(self, visit):
        self.other_amount.data = money.as_input(visit.other_cost_cents or None)
        self.other_note.data = visit.other_cost_note

    def values(self):
        return {"cents": self.other_amount.cents, "note": self.other_note.data}


class PaymentForm(EnumFieldForm):
    name, title, enum_cls = "payment_status", _l("Payment status"), PaymentStatus
    save_label = _l("Save payment status")
    payment_status = _enum_select(_l("Payment status"), PaymentStatus, _l("Choose the payment status."),
                                  _l("Not settled yet"))


class FaultCodesForm(VisitFieldForm):
    """Symptom, cause and remedy, each picked with one tap from the codes for the product's category."""
    name, title, save_label = "fault_codes", _l("Fault codes"), _l("Save fault codes")
    symptom_code_id = CodeChoiceField(_l("Symptom"))
    cause_code_id = CodeChoiceField(_l("Cause"))
    remedy_code_id = CodeChoiceField(_l("Remedy"))

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
    quantity = IntegerField(_l("Quantity"), validators=[
        InputRequired(_l("Enter a quantity.")), NumberRange(1, 999, _l("The quantity must be between 1 and 999."))])
    unit_cost = MoneyField(_l("Unit cost"))  # empty when adding: the catalog price
    faulty_serial = StringField(_l("Faulty part serial"), validators=[Optional(), Length(max=80)])
    replacement_serial = StringField(_l("Replacement serial"), validators=[Optional(), Length(max=80)])


class AddPartForm(PartRowFields):
    part_id = IdField(message=_l("Choose a part from the search."))


class EditPartForm(PartRowFields):
    unit_cost = MoneyField(_l("Unit cost"), required=True, required_message=_l("Enter the unit cost."))
    covered = BooleanField(_l("Covered by warranty/contract"))
    repaired = BooleanField(_l("Repaired and put back, not replaced"))


class PhotoForm(WriteForm):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Take or choose a photo first."))])
