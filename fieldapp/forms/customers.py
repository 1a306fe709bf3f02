"""Forms of the customer records: the details, and on creation the "it is someone else" tick."""
from __future__ import annotations

from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fieldapp.forms import BaseForm
from fieldapp.forms.fields import ClientIdField
from fieldapp.forms.public import PHONE_RE
from fieldapp.forms.validators import EmailAddress


class CustomerForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter the customer's name."), Length(max=160)])
    phone = TelField("Phone", validators=[Optional(), Length(max=40)])
    email = EmailField("Email", validators=[Optional(), EmailAddress(), Length(max=254)])
    address = TextAreaField("Address", validators=[Optional(), Length(max=500)],
                            description="Street and number, postcode and town.")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)],
                          description="For the office and technicians: access, parking, preferences.")

    def validate_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError("Enter a phone number with digits only, like +31 6 1234 5678.")

    def values(self) -> dict:
        return {name: self[name].data for name in ("name", "phone", "email", "address", "notes")}


class NewCustomerForm(CustomerForm):
    # A double tap on "Create customer" creates one customer (see services.idempotency).
    client_id = ClientIdField()
    confirm_duplicate = BooleanField("Create anyway: this is a different customer")
