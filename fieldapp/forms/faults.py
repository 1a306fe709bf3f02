"""Forms of the fault codes: the admin's taxonomy, and the one-tap chips on the visit."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation
from wtforms.widgets import ListWidget, RadioInput

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, IdSelectField, form_id
from fieldapp.models import FaultCode, FaultKind

NOT_SET = "none"  # the chip that clears a pick
# The visit form's fields, by kind (their names are services.faults.KIND_FIELDS).
KIND_OF_FIELD = {"symptom_code_id": FaultKind.SYMPTOM, "cause_code_id": FaultKind.CAUSE,
                 "remedy_code_id": FaultKind.REMEDY}
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"


def _code_or_not_set(value) -> int | None:
    if value is None or value == NOT_SET:
        return None
    return form_id(value)


class CodeChoiceField(IdSelectField):
    """A fault code picked with one tap: radio buttons drawn as big chips, the values code ids,
    plus "Not set" (NOT_SET). The choices are the codes offered on the visit (`offer`), their
    meanings in the reader's language where the office translated them. `kind`: which kind the
    field picks (by default known from its name, like symptom_code_id)."""

    widget = ListWidget(prefix_label=False)
    option_widget = RadioInput()

    def __init__(self, label=None, kind: FaultKind | None = None, **kwargs):
        kind = kind or KIND_OF_FIELD.get(kwargs.get("name") or "")
        message = kind.choose_from_list if kind else _l("Choose one from the list.")
        super().__init__(label, message=message, **kwargs)
        self.coerce = _code_or_not_set

    def offer(self, codes: list[FaultCode]) -> None:
        from fieldapp.services import content

        content.preload(codes)
        choices = [SelectChoice(NOT_SET, _("Not set"))]
        for code in codes:
            meaning = content.localized(code, "label")
            choices.append(SelectChoice(str(code.id), _("%(code)s · %(meaning)s", code=code.code, meaning=meaning)
                                        if code.active else
                                        _("%(code)s · %(meaning)s (retired)", code=code.code, meaning=meaning)))
        self.choices = choices

    def pre_validate(self, form) -> None:
        if not self.raw_data:  # sent without a value: a form that was not drawn by the page
            raise StopValidation(self.invalid_choice_message)
        super().pre_validate(form)


class FaultCodeForm(BaseForm):
    category = StringField(_l("Product category"), validators=[Optional(), Length(max=60)],
                           description=_l("As on the product models, like Heating. Leave empty: for every category."))
    kind = SelectField(_l("Kind"), choices=lambda: enum_choices(FaultKind),
                       validators=[DataRequired(_l("Choose the kind."))])
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a short code, like NO-HEAT.")), Length(max=20),
        Regexp(CODE_PATTERN, message=_l("Use letters, digits and - only, like NO-HEAT."))])
    label = StringField(_l("Meaning"), validators=[DataRequired(_l("Enter what the code means.")), Length(max=120)],
                        description=_l("What the technician reads on the chip, like “No heating”."))

    def values(self) -> dict:
        return {"category": (self.category.data or "").strip() or None, "kind": FaultKind(self.kind.data),
                "code": self.code.data.strip().upper(), "label": self.label.data.strip()}


class NewFaultCodeForm(FaultCodeForm):
    client_id = ClientIdField()
