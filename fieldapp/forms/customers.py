"""Forms of the customer records: the details, and on creation the "it is someone else" tick."""
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
    Optional,
    StopValidation,
    ValidationError,
)

from fieldapp import languages
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, language_options
from fieldapp.forms.public import PHONE_RE
from fieldapp.forms.validators import EmailAddress
from fieldapp.models import ContactBy

CONSENT_HINT = _l("Needed when messages are switched on or a channel is added, like “By phone” or “Signed the "
                  "intake form”. Today's date is recorded with it.")
NEW_CONSENT_HINT = _l("Like “By phone at intake”: recorded with today's date. Empty: not recorded yet.")


def contact_by_field(label=_l("Messages about requests and visits")) -> SelectField:
    return SelectField(label, choices=enum_choices(ContactBy), default=ContactBy.BOTH.value,
                       description=_l("How the customer wants to hear from us."))


def consent_field(description=CONSENT_HINT) -> StringField:
    return StringField(_l("How the customer agreed to messages"), validators=[Optional(), Length(max=200)],
                       description=description)


class CustomerForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the customer's name.")), Length(max=160)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email"), validators=[Optional(), EmailAddress(), Length(max=254)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)],
                            description=_l("Street and number, postcode and town."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)],
                          description=_l("For the office and technicians: access, parking, preferences."))
    # The language mails, texts and the visit report are written in: "" for the company's. The
    # choices are the languages of this installation (set per form: they are read from the app).
    language = SelectField(_l("Language"), validate_choice=False, filters=[lambda value: value or ""],
                           description=_l("Mails, texts and visit reports to this customer are written in it."))
    contact_by = contact_by_field()
    consent_how = consent_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("", _("Same as the company")),
                                 *language_options()]

    @classmethod
    def of(cls, customer) -> CustomerForm:
        """The form filled in from the customer's record, the consent left to type: the one
        recorded is shown beside it, and typing one records it again as of now."""
        form = cls(obj=customer)
        form.consent_how.data = ""
        return form

    def validate_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError(_("Enter a phone number with digits only, like +31 6 1234 5678."))

    def validate_language(self, field):
        if field.data and languages.valid(field.data) is None:
            raise StopValidation(_("Choose one of the languages in the list."))

    def values(self) -> dict:
        return {**{name: self[name].data for name in ("name", "phone", "email", "address", "notes", "language")},
                "contact_by": ContactBy(self.contact_by.data), "consent_how": self.consent_how.data}


class NewCustomerForm(CustomerForm):
    # A double tap on "Create customer" creates one customer (see services.idempotency).
    client_id = ClientIdField()
    confirm_duplicate = BooleanField(_l("Create anyway: this is a different customer"))
    consent_how = consent_field(NEW_CONSENT_HINT)
