"""The company's settings: service targets per priority, after-visit habits, language and currency."""
from __future__ import annotations

from babel.numbers import list_currencies
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from fieldapp import languages
from fieldapp.forms import BaseForm
from fieldapp.forms.account import language_options
from fieldapp.models import Priority

MAX_TARGET_HOURS = 24 * 90


def _hours(label) -> IntegerField:
    return IntegerField(label, validators=[
        InputRequired(_l("Enter a number of hours.")),
        NumberRange(1, MAX_TARGET_HOURS, _l("Between %(low)s and %(high)s hours.", low=1, high=MAX_TARGET_HOURS))])


def _currency_code(value):
    """What was typed, as ISO 4217 writes it: " usd" is USD."""
    return value.strip().upper() if isinstance(value, str) else value


class SettingsForm(BaseForm):
    satisfaction_call_days = IntegerField(_l("Satisfaction call, days after a completed visit"), validators=[
        Optional(), NumberRange(1, 365, _l("Between 1 and 365 days, or empty for no calls."))])
    maintenance_horizon_weeks = IntegerField(_l("Plan maintenance this many weeks ahead"), validators=[
        InputRequired(_l("Enter a number of weeks.")), NumberRange(1, 52, _l("Between 1 and 52 weeks."))])
    renewal_notice_days = IntegerField(_l("List coverage for a renewal call this many days before it ends"), validators=[
        InputRequired(_l("Enter a number of days.")), NumberRange(1, 365, _l("Between 1 and 365 days."))])
    return_policy = TextAreaField(_l("Return policy"), validators=[Optional(), Length(max=4000)],
                                  filters=[lambda value: (value or "").strip() or None],
                                  description=_l("Shown on the web request form and in reports. Each model "
                                                 "adds its own return window and conditions."))
    email_report_on_close = BooleanField(_l("Email the After-Sale Services Report to the customer when a case is closed"))
    language = SelectField(_l("Language"), validate_choice=False)
    currency = StringField(_l("Currency"), filters=[_currency_code], validators=[
        DataRequired(_l("Enter a currency code, like EUR.")),
        Length(max=3, message=_l("A currency code has three letters, like EUR, USD or GBP."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_options()

    def validate_language(self, field) -> None:
        if languages.valid(field.data) is None:
            raise StopValidation(_("Choose one of the languages in the list."))

    def validate_currency(self, field) -> None:
        if field.data not in list_currencies():
            raise StopValidation(_("%(code)s is not a currency code. Enter the three-letter ISO 4217 code of the "
                                   "company's currency, like EUR, USD or GBP.", code=field.data))

    def target_fields(self):
        """(priority, response field, resolution field) for each priority, most urgent first."""
        return [(p, self[f"response_{p.value}"], self[f"resolution_{p.value}"]) for p in reversed(list(Priority))]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for priority, response, resolution in self.target_fields():
            if response.data and resolution.data and resolution.data < response.data:
                resolution.errors.append(_("Resolution cannot come before the first response."))
                ok = False
        return ok


for _priority in Priority:
    # Lazy: the priority's label and the sentence are both read in the language of the page.
    setattr(SettingsForm, f"response_{_priority.value}", _hours(LazyString(
        lambda p=_priority: _("%(priority)s: first response (hours)", priority=p.label))))
    setattr(SettingsForm, f"resolution_{_priority.value}", _hours(LazyString(
        lambda p=_priority: _("%(priority)s: resolution (hours)", priority=p.label))))
