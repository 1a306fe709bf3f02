"""Shared field validators."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from fieldapp.links import is_http_url
from fieldapp.values import CONTROL_MESSAGE, has_control_characters

# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mail
# server's business; WTForms' Email() would also refuse reserved domains such as demo.test.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailAddress:
    def __init__(self, message: str = _l("Enter a valid email address, like name@example.com.")):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not EMAIL_RE.match(field.data.strip()):
            raise ValidationError(self.message)


class NoControlCharacters:
    """Control characters refused (see params.has_control_characters); stops the field's other
    checks. Put first on every text field by forms.BaseForm."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        for value in getattr(field, "raw_data", None) or ():
            if isinstance(value, str) and has_control_characters(value, self.multiline):
                raise StopValidation(CONTROL_MESSAGE)


class HttpUrl:
    """A link people click on: see links.is_http_url."""

    def __init__(self, message: str = _l("Enter a full web address starting with https:// (or http://), "
                                         "like https://example.com/manual.pdf.")):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not is_http_url(field.data):
            raise ValidationError(self.message)
