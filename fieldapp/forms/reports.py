"""Sending the After-Sale Services Report by email."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm


class EmailReportForm(BaseForm):
    to = EmailField(_l("Send to"), validators=[DataRequired(_l("Give the address to send the report to.")),
                                               Length(max=254)])
    note = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=2000)])
