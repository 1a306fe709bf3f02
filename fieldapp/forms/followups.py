"""Forms of the follow-ups: planning one on a case, and marking one done with its outcome."""
from __future__ import annotations

from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField
from fieldapp.models import FollowUpKind
from fieldapp.services.followups import NextStep

# Where a form sends the user back to: the follow-up queue, or the case page it was on.
BACK_CHOICES = [SelectChoice("queue", "The queue"), SelectChoice("case", "The case")]


def back_field() -> SelectField:
    """Rendered as a hidden input; anything but the two places is refused."""
    return SelectField("Back to", choices=BACK_CHOICES, default="queue")


class FollowUpForm(BaseForm):
    client_id = ClientIdField()  # a double tap plans one follow-up
    kind = SelectField("Kind", choices=enum_choices(FollowUpKind), validators=[DataRequired("Choose the kind.")])
    due_on = DateField("Due on", validators=[InputRequired("Enter the due date, like 2026-11-24.")])
    notes = TextAreaField("What to check (optional)", validators=[Optional(), Length(max=2000)])


class FollowUpDoneForm(BaseForm):
    client_id = ClientIdField()
    outcome = TextAreaField("Outcome", validators=[DataRequired("Write what came of it."), Length(max=4000)],
                            description="What the customer said, what was agreed.")
    next_step = SelectField("Then", choices=enum_choices(NextStep), default=NextStep.NONE.value,
                            validators=[DataRequired("Choose what happens next.")])
    back = back_field()
