"""Forms of the follow-ups: planning one on a case, and marking one done with its outcome."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField
from fieldapp.models import FollowUpKind
from fieldapp.services.followups import NextStep

# Where a form sends the user back to: the follow-up queue, or the case page it was on.
BACK_CHOICES = [SelectChoice("queue", _l("The queue")), SelectChoice("case", _l("The case"))]


def back_field() -> SelectField:
    """Rendered as a hidden input; anything but the two places is refused."""
    return SelectField(_l("Back to"), choices=BACK_CHOICES, default="queue")


class FollowUpForm(BaseForm):
    client_id = ClientIdField()  # a double tap plans one follow-up
    kind = SelectField(_l("Kind"), choices=enum_choices(FollowUpKind),
                       validators=[DataRequired(_l("Choose the kind."))])
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the due date, like 2026-11-24."))])
    notes = TextAreaField(_l("What to check (optional)"), validators=[Optional(), Length(max=2000)])


class FollowUpDoneForm(BaseForm):
    client_id = ClientIdField()
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(_l("Write what came of it.")), Length(max=4000)],
                            description=_l("What the customer said, what was agreed."))
    next_step = SelectField(_l("Then"), choices=enum_choices(NextStep), default=NextStep.NONE.value,
                            validators=[DataRequired(_l("Choose what happens next."))])
    back = back_field()
