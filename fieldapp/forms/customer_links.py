"""Forms on the pages a customer opens from our messages (no sign-in)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fieldapp.forms import BaseForm
from fieldapp.forms.ratings import RatingForm


class _OnTheVisit(BaseForm):
    # The visit's schedule version the page was drawn on: a change by the office meanwhile is a 409.
    version = IntegerField(validators=[Optional(), NumberRange(1, 1_000_000)])


class ConfirmVisitForm(_OnTheVisit):
    pass


class MoveVisitForm(_OnTheVisit):
    start = RadioField(_l("Choose a new time"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Choose one of the times in the list."))])

    def offer(self, slots, label) -> None:
        self.start.choices = [SelectChoice(slot.key, label(slot)) for slot in slots]


class CancelVisitForm(_OnTheVisit):
    reason = TextAreaField(_l("Why do you cancel?"), validators=[
        DataRequired(_l("Tell us why, so we know what to do next.")), Length(max=500)])


class CustomerMessageForm(BaseForm):
    body = TextAreaField(_l("Your message"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("A photo (optional)"))
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])

    @property
    def is_spam(self) -> bool:
        return bool(self.website.data)


class SurveyForm(RatingForm):
    pass


class FollowRequestForm(BaseForm):
    """On a product's QR page: the email or phone number on an open request proves it is theirs."""
    contact = StringField(_l("The email address or phone number you gave us"), validators=[
        DataRequired(_l("Give the email address or phone number you gave us.")), Length(max=254)])
    # A field people never see (hidden with CSS): bots that fill every field give themselves away.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])

    @property
    def is_spam(self) -> bool:
        return bool((self.website.data or "").strip())
