"""Forms of the case page: each action a dispatcher takes is one small form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField
from fieldapp.models import CaseStatus, Channel, Priority, RemoteSupportOutcome
from fieldapp.services.desk import ASSESS_DECISIONS

TEXT_MAX = 4000


def _notes(label, message=None, **kwargs) -> TextAreaField:
    required = [DataRequired(message)] if message else [Optional()]
    return TextAreaField(label, validators=[*required, Length(max=TEXT_MAX)], **kwargs)


# What each decision of an assessment is called on its form (in the order of ASSESS_DECISIONS).
DECISIONS = (_l("Keep assessing"), _l("Try remote support"), _l("A visit is needed"), _l("Wait for the customer"),
             _l("Wait for parts"))


class AssessForm(BaseForm):
    assessment_notes = _notes(_l("Assessment"), _l("Write what you found out."),
                              description=_l("The problem as understood, what was checked, what is needed."))
    category = StringField(_l("Category (optional)"), validators=[Optional(), Length(max=80)],
                           description=_l("E.g. electrical, leak, noise, user error, installation."))
    priority = SelectField(_l("Priority"), choices=enum_choices(Priority), validators=[DataRequired()])
    decision = SelectField(lazy_pgettext("what happens next", "Next"), validators=[DataRequired(_l("Choose what happens next."))], choices=[
        SelectChoice(s.value, label) for s, label in zip(ASSESS_DECISIONS, DECISIONS)])


class RemoteSupportForm(BaseForm):
    channel = SelectField(_l("By"), choices=enum_choices(Channel), validators=[DataRequired()])
    steps = _notes(_l("Steps given"), _l("Write the steps the customer was given."))
    outcome = SelectField(_l("Outcome"), choices=enum_choices(RemoteSupportOutcome, _l("Choose…")),
                          validators=[DataRequired(_l("Choose the outcome."))])


# Moves a dispatcher makes by hand; resolving, closing and reopening have their own forms.
MANUAL_STATUSES = (CaseStatus.ASSESSING, CaseStatus.REMOTE_SUPPORT, CaseStatus.VISIT_NEEDED,
                   CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_PARTS, CaseStatus.CANCELLED)


class StatusForm(BaseForm):
    # Choices as a function: the labels are read in the language of each request.
    status = SelectField(_l("Move to"), choices=lambda: [SelectChoice(s.value, s.label) for s in MANUAL_STATUSES],
                         validators=[DataRequired(_l("Choose a status."))])
    note = _notes(_l("Why (optional)"))


class ResolveForm(BaseForm):
    summary = _notes(_l("How it was resolved"), _l("Summarise how it was resolved."))


class CloseForm(BaseForm):
    summary = _notes(_l("Summary for the report"), _l("Summarise how it was resolved: the report's conclusion."))
    closed_on = DateField(_l("Closure date"),
                          validators=[InputRequired(_l("Enter the closure date, like 2026-11-23."))])
    waive_follow_ups = BooleanField(_l("Waive the follow-ups still open"))


class NoteForm(BaseForm):
    note = _notes(_l("Note"), _l("Write a short note."))
