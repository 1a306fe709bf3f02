"""A technician's recommendation after a visit, and the office's follow-up for one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField, HappenedAtField
from fieldapp.models import FollowUpKind, RecommendationKind


class RecommendationForm(BaseForm):
    client_id = ClientIdField()
    happened_at = HappenedAtField()  # recommended on a phone without signal: when
    kind = SelectField(_l("Recommend"), choices=enum_choices(RecommendationKind),
                       validators=[DataRequired(_l("Choose what kind of service you recommend."))])
    what = TextAreaField(_l("What and why"), validators=[DataRequired(_l("Say what you recommend.")), Length(max=500)],
                         description=_l("In words the customer understands, like “Replace the anode: it is half worn”."))
    due_on = DateField(_l("By when (optional)"), validators=[])


FOLLOW_UP_KINDS = [(k.value, k.label) for k in (FollowUpKind.CALL, FollowUpKind.VISIT, FollowUpKind.EMAIL)]


class RecommendationFollowUpForm(BaseForm):
    client_id = ClientIdField()
    kind = SelectField(_l("Follow-up"), choices=enum_choices(FollowUpKind),
                       validators=[DataRequired(_l("Choose the kind of follow-up."))])
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the due date, like 2026-11-24."))])
