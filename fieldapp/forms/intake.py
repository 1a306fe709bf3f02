"""The new-request form of the dispatcher's desk (process step 1)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from fieldapp import languages
from fieldapp.clock import today
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.customers import NEW_CONSENT_HINT, consent_field, contact_by_field
from fieldapp.forms.fields import DateField, IdField, IdSelectField, language_options
from fieldapp.forms.public import PHONE_RE
from fieldapp.forms.validators import EmailAddress
from fieldapp.models import CaseType, Channel, ContactBy, Priority
from fieldapp.values import MAX_ID

# What a dispatcher takes at the desk; web and QR requests come in through the public pages.
DESK_CHANNELS = [c for c in Channel if c not in (Channel.WEB, Channel.QR)]


class OptionalIdField(IdField):
    """An id that may be left out (no customer chosen yet: a new one is typed in instead)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **kwargs)
        self.validators = [Optional(), NumberRange(1, MAX_ID, _l("Choose one from the list."))]
        self.flags.required = False


def _phone(label) -> TelField:
    return TelField(label, validators=[Optional(), Length(max=40)])


class IntakeForm(BaseForm):
    customer_id = OptionalIdField(_l("Customer"))
    new_name = StringField(_l("Name"), validators=[Optional(), Length(max=160)])
    new_phone = _phone(_l("Phone"))
    new_email = EmailField(_l("Email"), validators=[Optional(), EmailAddress(), Length(max=254)])
    new_address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    # The language the new customer's mails, texts and report are written in ("": the company's).
    new_language = SelectField(_l("Language"), validate_choice=False, default="",
                               description=_l("Mails, texts and the report reach the customer in this language."))
    new_contact_by = contact_by_field()
    new_consent_how = consent_field(NEW_CONSENT_HINT)
    asset_id = OptionalIdField(_l("One of the customer's products"))
    serial = StringField(_l("Or the serial number"), validators=[Optional(), Length(max=80)])
    # A product not registered yet, registered with the request (services/intake.take_at_desk).
    new_model_id = IdSelectField(_l("Model"), message=_l("Choose the product's model."),
                                 placeholder=_l("Choose the model…"), optional=True)
    new_sales_date = DateField(_l("Sold on"), validators=[Optional()])
    # Choices as a function: the labels are read in the language of each request.
    channel = SelectField(_l("Came in by"), choices=lambda: [SelectChoice(c.value, c.label) for c in DESK_CHANNELS],
                          default=Channel.PHONE.value,
                          validators=[DataRequired()])
    case_type = SelectField(_l("Request type"), choices=enum_choices(CaseType), validators=[DataRequired()])
    priority = SelectField(_l("Priority"), choices=enum_choices(Priority), default=Priority.NORMAL.value,
                           validators=[DataRequired()])
    description = TextAreaField(_l("What is wrong"), validators=[DataRequired(_l("Describe the request.")),
                                                                 Length(max=4000)])
    contact_name = StringField(_l("Requester's name (if not the customer)"), validators=[Optional(), Length(max=160)])
    contact_phone = _phone(_l("Requester's phone"))
    contact_email = EmailField(_l("Requester's email"), validators=[Optional(), EmailAddress(), Length(max=254)])
    preferred_time = StringField(_l("Preferred time for a call or visit"), validators=[Optional(), Length(max=160)])
    confirm_duplicate = BooleanField(_l("Open a new case anyway"))
    confirm_new_customer = BooleanField(_l("Create the new customer anyway"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        company = languages.company_language()
        self.new_language.choices = [
            SelectChoice("", _("Same as the company (%(language)s)",
                               language=languages.available().get(company, company))),
            *language_options()]

    def validate_new_language(self, field):
        if field.data is None or (field.data != "" and languages.valid(field.data) is None):
            raise StopValidation(_("Choose one of the languages in the list."))

    def validate_new_sales_date(self, field):
        if field.data and field.data > today():
            raise ValidationError(_("The sales date cannot be in the future."))

    def validate_new_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError(_("Enter a phone number with digits only, like +31 6 1234 5678."))

    validate_contact_phone = validate_new_phone

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.customer_id.data and not (self.new_name.data or "").strip():
            self.customer_id.errors.append(_("Find the customer, or fill in a new customer below."))
            return False
        return valid

    def set_choices(self, models) -> None:
        self.new_model_id.set_choices((m.id, m.label) for m in models)

    @property
    def language(self) -> str | None:
        """The new customer's language, None for the company's."""
        return languages.valid(self.new_language.data)

    @property
    def new_customer(self):
        from fieldapp.services.intake import NewCustomer
        return NewCustomer(self.new_name.data, self.new_phone.data, self.new_email.data, self.new_address.data,
                           self.language, ContactBy(self.new_contact_by.data), self.new_consent_how.data)

    @property
    def new_product(self):
        from fieldapp.services.intake import NewProduct
        return NewProduct(self.new_model_id.data, self.new_sales_date.data)

    @property
    def contact(self) -> dict:
        return {"name": self.contact_name.data, "phone": self.contact_phone.data, "email": self.contact_email.data,
                "preferred_time": self.preferred_time.data}
