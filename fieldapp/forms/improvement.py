"""Forms of the corrective-action log: recording an action from a finding, changing its status."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, DateField, IdSelectField
from fieldapp.models import ASPECTS, ActionStatus, FaultCode, FindingKind, ProductModel, User
from fieldapp.services.dashboard import ASPECT_LABELS
from fieldapp.services.improvement import CLOSED_STATUSES, Values

TEXT_MAX = 4000


def aspect_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose the aspect…")),
            *(SelectChoice(aspect, ASPECT_LABELS[aspect]) for aspect in ASPECTS)]


class CorrectiveActionForm(BaseForm):
    client_id = ClientIdField()  # a double tap records one action
    title = StringField(_l("What is done"), validators=[
        DataRequired(_l("Write what is done about the finding.")), Length(max=200)])
    kind = SelectField(_l("Finding"), choices=enum_choices(FindingKind),
                       validators=[DataRequired(_l("Choose the finding."))],
                       invalid_choice_message=_l("Choose the finding from the list."))
    product_model_id = IdSelectField(_l("Product model"), message=_l("Choose a model from the list."),
                                     placeholder=_l("Every model"), optional=True,
                                     description=_l("Needed for a fault code; for repeat visits and ratings, "
                                                    "leave it on every model to count them all."))
    fault_code_id = IdSelectField(_l("Fault code"), message=_l("Choose a symptom or cause code from the list."),
                                  placeholder=_l("Choose the fault code…"), optional=True)
    aspect = SelectField(_l("Rated aspect"), choices=aspect_choices(),
                         invalid_choice_message=_l("Choose an aspect from the list."))
    owner_id = IdSelectField(_l("Owner"), message=_l("Choose someone in the office."),
                             placeholder=_l("Choose the owner…"))
    due_on = DateField(_l("Due on"), validators=[InputRequired(_l("Enter the due date, like 2026-11-24."))])
    started_on = DateField(_l("Took effect on (optional)"), validators=[Optional()],
                           description=_l("The day the change took effect: the figure compares the 90 days "
                                          "before it with the days since."))
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), Length(max=TEXT_MAX)])

    def set_choices(self, models: list[ProductModel], codes: list[FaultCode], owners: list[User]) -> None:
        self.product_model_id.set_choices(SelectChoice(m.id, m.label) for m in models)
        self.fault_code_id.set_choices(SelectChoice(c.id, f"{c.code} · {c.label}") for c in codes)
        self.owner_id.set_choices(SelectChoice(u.id, u.name) for u in owners)

    def validate(self, extra_validators=None) -> bool:
        """What the finding needs: a model and its fault code, or the aspect."""
        valid = super().validate(extra_validators)
        if not valid:
            return False
        kind = FindingKind(self.kind.data)
        if kind is FindingKind.FAULT_CODE:
            if self.product_model_id.data is None:
                self.product_model_id.errors.append(_("Choose the model the fault code rises on."))
            if self.fault_code_id.data is None:
                self.fault_code_id.errors.append(_("Choose the fault code that rises."))
        if kind is FindingKind.LOW_ASPECT and not self.aspect.data:
            self.aspect.errors.append(_("Choose the aspect rated low."))
        return not (self.product_model_id.errors or self.fault_code_id.errors or self.aspect.errors)

    def values(self) -> Values:
        return Values(self.title.data, FindingKind(self.kind.data), self.product_model_id.data,
                      self.fault_code_id.data, self.aspect.data or None, self.owner_id.data, self.due_on.data,
                      self.started_on.data, self.notes.data)


class ActionStatusForm(BaseForm):
    client_id = ClientIdField()
    status = SelectField(_l("Status"), choices=enum_choices(ActionStatus),
                         validators=[DataRequired(_l("Choose the status."))],
                         invalid_choice_message=_l("Choose a status from the list."))
    note = TextAreaField(_l("Note"), validators=[Length(max=TEXT_MAX)],
                         description=_l("What came of it: needed when it is done or dropped."))
    started_on = DateField(_l("Took effect on (optional)"), validators=[Optional()],
                           description=_l("Left empty, an action under way or done took effect today."))

    def validate_note(self, field) -> None:
        if self.status.data in {s.value for s in CLOSED_STATUSES} and not (field.data or "").strip():
            raise ValidationError(_("Write what came of it."))
