"""Shared field validators."""
from __future__ import annotations

import re

from wtforms.validators import ValidationError

# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mail
# server's business; WTForms' Email() would also refuse reserved domains such as demo.test.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailAddress:
    def __init__(self, message: str = "Enter a valid email address, like name@example.com."):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not EMAIL_RE.match(field.data.strip()):
            raise ValidationError(self.message)
