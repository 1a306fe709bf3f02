"""Forms of the case page: each action a dispatcher takes is one small form."""
from __future__ import annotations

from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField
from fieldapp.models import CaseStatus, Channel, Priority, RemoteSupportOutcome
from fieldapp.services.desk import ASSESS_DECISIONS

TEXT_MAX = 4000


def _notes(label: str, message: str | None = None, **kwargs) -> TextAreaField:
    required = [DataRequired(message)] if message else [Optional()]
    return TextAreaField(label, validators=[*required, Length(max=TEXT_MAX)], **kwargs)


class AssessForm(BaseForm):
    assessment_notes = _notes("Assessment", "Write what you found out.",
                              description="The problem as understood, what was checked, what is needed.")
    category = StringField("Category (optional)", validators=[Optional(), Length(max=80)],
                           description="E.g. electrical, leak, noise, user error, installation.")
    priority = SelectField("Priority", choices=enum_choices(Priority), validators=[DataRequired()])
    decision = SelectField("Next", validators=[DataRequired("Choose what happens next.")], choices=[
        SelectChoice(s.value, label) for s, label in zip(ASSESS_DECISIONS, (
            "Keep assessing", "Try remote support", "A visit is needed", "Wait for the customer", "Wait for parts"))])


class RemoteSupportForm(BaseForm):
    channel = SelectField("By", choices=enum_choices(Channel), validators=[DataRequired()])
    steps = _notes("Steps given", "Write the steps the customer was given.")
    outcome = SelectField("Outcome", choices=enum_choices(RemoteSupportOutcome, "Choose…"),
                          validators=[DataRequired("Choose the outcome.")])


# Moves a dispatcher makes by hand; resolving, closing and reopening have their own forms.
MANUAL_STATUSES = (CaseStatus.ASSESSING, CaseStatus.REMOTE_SUPPORT, CaseStatus.VISIT_NEEDED,
                   CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_PARTS, CaseStatus.CANCELLED)


class StatusForm(BaseForm):
    status = SelectField("Move to", choices=[SelectChoice(s.value, s.label) for s in MANUAL_STATUSES],
                         validators=[DataRequired("Choose a status.")])
    note = _notes("Why (optional)")


class ResolveForm(BaseForm):
    summary = _notes("How it was resolved", "Summarise how it was resolved.")


class CloseForm(BaseForm):
    summary = _notes("Summary for the report", "Summarise how it was resolved: the report's conclusion.")
    closed_on = DateField("Closure date", validators=[InputRequired("Enter the closure date, like 2026-11-23.")])
    waive_follow_ups = BooleanField("Waive the follow-ups still open")


class NoteForm(BaseForm):
    note = _notes("Note", "Write a short note.")
