"""A customer's question from a product's label, and the office's answer by email."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm
from fieldapp.forms.validators import EmailAddress

SUBJECT_MAX = 300
ANSWER_MAX = 10000


class QuestionForm(BaseForm):
    """On the public product page next to the request form: its own field names, so the two forms'
    ids never clash."""

    question = TextAreaField(_l("Your question"), validators=[
        DataRequired(_l("Write your question.")),
        Length(min=5, max=2000, message=_l("Write your question in 5 to 2000 characters."))])
    asker_name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=160)])
    asker_email = EmailField(_l("Your email (for the answer)"), validators=[
        DataRequired(_l("Enter your email address: we send the answer there.")), EmailAddress(), Length(max=254)])
    # Hidden with CSS: a bot that fills every field gives itself away (see ServiceRequestForm.website).
    homepage = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())


class AnswerForm(BaseForm):
    to = EmailField(lazy_pgettext("the recipient of a mail", "To"), validators=[DataRequired(_l("Enter the address to answer.")), EmailAddress(),
                                          Length(max=254)])
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Enter a subject.")), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write the answer.")), Length(max=ANSWER_MAX)])
    resolve = BooleanField(_l("Mark the case resolved"))
