"""Field types shared by the forms: money typed the way people type it, ids, and the write id."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, NumberRange, Regexp, StopValidation

from fieldapp import languages, money
from fieldapp.values import DATE_RANGE_MESSAGE, MAX_ID, is_sensible_date

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_ID_TEXT = re.compile(r"[0-9]{1,20}")  # range-checked as a number afterwards, never converted when longer


class MultiCheckboxField(SelectMultipleField):
    """Several choices, each a checkbox (big enough to tap with gloves); render_field draws them
    as a fieldset with the label as its legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MoneyField(StringField):
    """An amount like 12.50, 12,50 or € 12.50 (read by fieldapp.money); `cents` holds it as an
    integer, never a float. Whether it is required is decided on the text: " " is no amount."""

    cents: int | None = None

    def __init__(self, label=None, validators=None, required: bool = False,
                 required_message: str = _l("Enter an amount, like 12.50."), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.required_message = required, required_message
        self.flags.required = required

    def pre_validate(self, form) -> None:
        try:
            self.cents = money.parse(self.data)
        except money.NotAnAmount as wrong:
            self.cents = None
            raise StopValidation(str(wrong)) from None
        if self.cents is None and self.required:
            raise StopValidation(self.required_message)

    def shown_cents(self) -> int | None:
        """The amount the field holds, for showing it (None when it holds no amount)."""
        try:
            return money.parse(self.data)
        except money.NotAnAmount:
            return None


def form_id(value) -> int:
    """An id sent by a form: ASCII digits, 1 to MAX_ID (what the database stores), else ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ID_TEXT.fullmatch(value):  # no strip(): it also eats "\x1c"
        number = int(value)
    else:
        raise ValueError("not an id")
    if not 0 < number <= MAX_ID:
        raise ValueError("not an id")
    return number


class IdField(IntegerField):
    """The id of a row picked on the page (a search result, a hidden input): always required,
    bounded like the ids in URLs so a 20-digit number never reaches the database."""

    def __init__(self, label=None, message: str = _l("Choose one from the list."), **kwargs):
        super().__init__(label, [NumberRange(1, MAX_ID, message)], **kwargs)
        self.flags.required = True

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            try:
                self.data = form_id(valuelist[0])
            except ValueError:
                self.data = None  # NumberRange says what to do


def _chosen_id(value) -> int | None:
    """An id from a <select>; None for its placeholder (nothing chosen yet)."""
    return None if value in ("", None) else form_id(value)


class IdSelectField(SelectField):
    """The id of a row chosen from a <select>: parsed like IdField, then one of the choices. With
    `placeholder`, the select starts on it ("Choose a technician…"): nothing is chosen for the
    user, and sending it is refused like any value not in the list."""

    def __init__(self, label=None, message: str = _l("Choose one from the list."), placeholder: str | None = None,
                 optional: bool = False, **kwargs):
        super().__init__(label, coerce=_chosen_id, invalid_value_message=message, invalid_choice_message=message,
                         **kwargs)
        self.placeholder, self.message, self.optional = placeholder, message, optional
        self.flags.required = not optional

    def set_choices(self, choices) -> None:
        self.choices = ([SelectChoice("", self.placeholder)] if self.placeholder else []) + list(choices)

    def pre_validate(self, form) -> None:
        if self.placeholder and self.data is None and not self.process_errors:  # the placeholder is no choice
            raise StopValidation("" if self.optional else self.message)
        super().pre_validate(form)


def new_client_id() -> str:
    return str(uuid.uuid4())


class ClientIdField(HiddenField):
    """The id of one write (see services.idempotency); a fresh one in every rendered form."""

    def __init__(self, **kwargs):
        super().__init__(default=new_client_id, validators=[
            DataRequired(_l("This form is missing its id; reload the page.")),
            Regexp(UUID_PATTERN, message=_l("This form's id is malformed; reload the page.")),
        ], **kwargs)

    def pre_validate(self, form) -> None:
        # The id must come from the request; the default only fills forms being rendered.
        if not getattr(self, "raw_data", None):
            raise StopValidation(_l("This form is missing its id; reload the page."))


class HappenedAtField(HiddenField):
    """When a change queued on an offline phone happened there (ISO 8601 with its offset, as
    `Date.toISOString()` writes it). Empty for a change sent as it was made: then it is now.
    Its year is bounded like every date; the services bound it closer (not in the future, not
    before the visit was planned)."""

    NOT_A_TIME = _l("The time of this change is not a valid time; it was not saved.")

    def process_formdata(self, valuelist) -> None:
        self.data = None
        raw = valuelist[0] if valuelist else ""
        if not raw:
            return
        try:
            moment = datetime.fromisoformat(raw) if len(raw) <= 40 else None
            # 0001-01-01T00:00+14:00 is no instant in UTC: OverflowError, not ValueError.
            moment = moment.astimezone(timezone.utc) if moment is not None and moment.tzinfo else None
        except (ValueError, OverflowError):
            moment = None
        if moment is None or not is_sensible_date(moment.date()):
            raise ValueError(self.NOT_A_TIME)
        self.data = moment


class DateField(wtforms.DateField):
    """A day typed as 2026-11-24, within the years every date must lie in (values.py)."""

    def pre_validate(self, form) -> None:
        if self.data is not None and not is_sensible_date(self.data):
            raise StopValidation(DATE_RANGE_MESSAGE)


def language_options() -> list[SelectChoice]:
    """Our languages, each named in itself and marked as written in it (read aloud rightly)."""
    return [SelectChoice(code, name, render_kw={"lang": code.replace("_", "-")})
            for code, name in languages.choices()]
