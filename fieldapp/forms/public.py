"""Forms customers fill in after scanning a product's QR label (no sign-in)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from fieldapp.forms import BaseForm
from fieldapp.forms.validators import EmailAddress

PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


class ServiceRequestForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=160)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email"), validators=[Optional(), EmailAddress(), Length(max=254)])
    description = TextAreaField(_l("What is wrong?"), validators=[
        DataRequired(_l("Tell us what is wrong.")),
        Length(min=5, max=2000, message=_l("Describe the problem in 5 to 2000 characters."))])
    preferred_time = StringField(_l("When suits you for a call or visit? (optional)"),
                                 validators=[Optional(), Length(max=160)])
    # A field people never see (hidden with CSS): bots that fill every field give themselves away.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])

    def validate_phone(self, field):
        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError(_("Enter a phone number with digits only, like +31 6 1234 5678."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors.append(_("Give a phone number or an email address so we can reach you."))
            return False
        return valid

    @property
    def is_spam(self) -> bool:
        return bool((self.website.data or "").strip())


class WebRequestForm(ServiceRequestForm):
    """The same request without a QR label: the serial (if at hand) and the postcode find the product."""

    serial = StringField(_l("Serial number (on the product's label; optional)"),
                         validators=[Optional(), Length(max=80)])
    postcode = StringField(_l("Postcode (optional)"), validators=[Optional(), Length(max=12)])
