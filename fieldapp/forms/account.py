"""Forms of one's own account: password, hand-over PIN, language, and taking the phone back."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, StopValidation

from fieldapp import languages
from fieldapp.forms import BaseForm
from fieldapp.forms.fields import language_options
from fieldapp.services.accounts import MIN_PASSWORD_LENGTH

PIN_PATTERN = r"^[0-9]{4,8}$"


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("The password needs at least %(num)s characters.", num=MIN_PASSWORD_LENGTH))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")), EqualTo("new_password", _l("The two passwords differ."))])


class PinForm(BaseForm):
    pin = PasswordField(_l("New PIN (4 to 8 digits)"), validators=[
        DataRequired(_l("Enter a PIN.")), Regexp(PIN_PATTERN, message=_l("The PIN must be 4 to 8 digits."))])
    confirm = PasswordField(_l("PIN again"), validators=[
        DataRequired(_l("Enter the PIN again.")), EqualTo("pin", _l("The two PINs differ."))])


class UnlockForm(BaseForm):
    secret = PasswordField(_l("Your password or PIN"), validators=[
        DataRequired(_l("Enter your password or PIN.")), Length(max=200)])


class LanguageForm(BaseForm):
    """The language of one's own pages: one of ours, or "" for the company's (fieldapp/languages.py)."""

    language = SelectField(_l("Language of your pages"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        company = languages.available().get(languages.company_language(), languages.company_language())
        self.language.choices = [SelectChoice("", _("Same as the company (%(language)s)", language=company)),
                                 *language_options()]

    def validate_language(self, field) -> None:
        if field.data is None or (field.data != "" and languages.valid(field.data) is None):
            raise StopValidation(_("Choose one of the languages in the list."))

    @property
    def chosen(self) -> str | None:
        """The language chosen, None for the company's."""
        return languages.valid(self.language.data)
