"""The admin's forms for the messages to customers: which go and when, and their words."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from fieldapp.forms import BaseForm
from fieldapp.forms.fields import MultiCheckboxField
from fieldapp.services.customer_messages import LIMITS
from fieldapp.services.message_texts import KINDS, TEXT_MAX

GATEWAY_MAX = 2000


def _number(label, name: str) -> IntegerField:
    low, high = LIMITS[name]
    in_hours = name.endswith("_hours")
    return IntegerField(label, validators=[
        InputRequired(_l("Enter a number of hours.") if in_hours else _l("Enter a number of days.")),
        NumberRange(low, high, _l("Between %(low)s and %(high)s hours.", low=low, high=high) if in_hours
                    else _l("Between %(low)s and %(high)s days.", low=low, high=high))])


def _country_code(value):
    """What was typed, as ISO 3166 writes it: " nl" is NL."""
    return value.strip().upper() if isinstance(value, str) else value


class MessageSettingsForm(BaseForm):
    on = MultiCheckboxField(_l("Messages sent"), choices=[SelectChoice(kind.key, kind.label) for kind in KINDS.values()])
    reminder_hours = _number(_l("Reminder, hours before the arrival window"), "reminder_hours")
    survey_days = _number(_l("Satisfaction survey, days after a completed visit"), "survey_days")
    survey_valid_days = _number(_l("A survey link works for this many days"), "survey_valid_days")
    reschedule_days = _number(_l("A customer may move a visit up to this many days ahead"), "reschedule_days")
    reschedule_cutoff_hours = _number(_l("A customer may move or cancel a visit until this many hours before it"),
                                      "reschedule_cutoff_hours")
    country = StringField(_l("Country"), filters=[_country_code], validators=[
        DataRequired(_l("Enter a country code, like NL.")),
        Length(max=2, message=_l("A country code has two letters, like NL, DE or GB."))])
    sms_url = TextAreaField(_l("Text message gateway"), filters=[lambda value: (value or "").strip() or None],
                            validators=[Optional(), Length(max=GATEWAY_MAX)])

    def timing(self) -> dict[str, int]:
        return {name: self[name].data for name in LIMITS}


class MessageTemplateForm(BaseForm):
    subject = StringField(_l("Email subject"), validators=[DataRequired(_l("Write the subject.")), Length(max=300)])
    body = TextAreaField(_l("Email"), validators=[DataRequired(_l("Write the email.")), Length(max=8000)])
    text = TextAreaField(_l("Text message"), validators=[
        DataRequired(_l("Write the text message.")),
        Length(max=TEXT_MAX, message=_l("Keep the text message to %(max)d characters (with the links it grows)."))])
