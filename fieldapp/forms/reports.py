"""Sending the After-Sale Services Report by email."""
from __future__ import annotations

from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm


class EmailReportForm(BaseForm):
    to = EmailField("Send to", validators=[DataRequired("Give the address to send the report to."), Length(max=254)])
    note = TextAreaField("Message (optional)", validators=[Optional(), Length(max=2000)])
