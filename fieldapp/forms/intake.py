"""The new-request form of the dispatcher's desk (process step 1)."""
from __future__ import annotations

from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.clock import today
from fieldapp.forms.fields import DateField, IdField, IdSelectField
from fieldapp.forms.public import PHONE_RE
from fieldapp.forms.validators import EmailAddress
from fieldapp.models import CaseType, Channel, Priority
from fieldapp.values import MAX_ID

# What a dispatcher takes at the desk; web and QR requests come in through the public pages.
DESK_CHANNELS = [c for c in Channel if c not in (Channel.WEB, Channel.QR)]


class OptionalIdField(IdField):
    """An id that may be left out (no customer chosen yet: a new one is typed in instead)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **kwargs)
        self.validators = [Optional(), NumberRange(1, MAX_ID, "Choose one from the list.")]
        self.flags.required = False


def _phone(label: str) -> TelField:
    return TelField(label, validators=[Optional(), Length(max=40)])


class IntakeForm(BaseForm):
    customer_id = OptionalIdField("Customer")
    new_name = StringField("Name", validators=[Optional(), Length(max=160)])
    new_phone = _phone("Phone")
    new_email = EmailField("Email", validators=[Optional(), EmailAddress(), Length(max=254)])
    new_address = TextAreaField("Address", validators=[Optional(), Length(max=500)])
    asset_id = OptionalIdField("One of the customer's products")
    serial = StringField("Or the serial number", validators=[Optional(), Length(max=80)])
    # A product not registered yet, registered with the request (services/intake.take_at_desk).
    new_model_id = IdSelectField("Model", message="Choose the product's model.", placeholder="Choose the model…",
                                 optional=True)
    new_sales_date = DateField("Sold on", validators=[Optional()])
    channel = SelectField("Came in by", choices=[SelectChoice(c.value, c.label) for c in DESK_CHANNELS],
                          default=Channel.PHONE.value,
                          validators=[DataRequired()])
    case_type = SelectField("Request type", choices=enum_choices(CaseType), validators=[DataRequired()])
    priority = SelectField("Priority", choices=enum_choices(Priority), default=Priority.NORMAL.value,
                           validators=[DataRequired()])
    description = TextAreaField("What is wrong", validators=[DataRequired("Describe the request."),
                                                             Length(max=4000)])
    contact_name = StringField("Requester's name (if not the customer)", validators=[Optional(), Length(max=160)])
    contact_phone = _phone("Requester's phone")
    contact_email = EmailField("Requester's email", validators=[Optional(), EmailAddress(), Length(max=254)])
    preferred_time = StringField("Preferred time for a call or visit", validators=[Optional(), Length(max=160)])
    confirm_duplicate = BooleanField("Open a new case anyway")
    confirm_new_customer = BooleanField("Create the new customer anyway")

    def validate_new_sales_date(self, field):
        if field.data and field.data > today():
            raise ValidationError("The sales date cannot be in the future.")

    def validate_new_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError("Enter a phone number with digits only, like +31 6 1234 5678.")

    validate_contact_phone = validate_new_phone

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.customer_id.data and not (self.new_name.data or "").strip():
            self.customer_id.errors.append("Find the customer, or fill in a new customer below.")
            return False
        return valid

    def set_choices(self, models) -> None:
        self.new_model_id.set_choices((m.id, m.label) for m in models)

    @property
    def new_product(self):
        from fieldapp.services.intake import NewProduct
        return NewProduct(self.new_model_id.data, self.new_sales_date.data)

    @property
    def contact(self) -> dict:
        return {"name": self.contact_name.data, "phone": self.contact_phone.data, "email": self.contact_email.data,
                "preferred_time": self.preferred_time.data}
