"""Forms of the fault codes: the admin's taxonomy, and the one-tap chips on the visit."""
from __future__ import annotations

from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation
from wtforms.widgets import ListWidget, RadioInput

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, IdSelectField, form_id
from fieldapp.models import FaultCode, FaultKind

NOT_SET = "none"  # the chip that clears a pick
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"


def _code_or_not_set(value) -> int | None:
    if value is None or value == NOT_SET:
        return None
    return form_id(value)


class CodeChoiceField(IdSelectField):
    """A fault code picked with one tap: radio buttons drawn as big chips, the values code ids,
    plus "Not set" (NOT_SET). The choices are the codes offered on the visit (`offer`)."""

    widget = ListWidget(prefix_label=False)
    option_widget = RadioInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label, message=f"Choose a {str(label).lower()} from the list.", **kwargs)
        self.coerce = _code_or_not_set

    def offer(self, codes: list[FaultCode]) -> None:
        self.choices = [SelectChoice(NOT_SET, "Not set")] + [
            SelectChoice(str(code.id), f"{code.code} · {code.label}" if code.active else f"{code.code} · {code.label} (retired)")
            for code in codes]

    def pre_validate(self, form) -> None:
        if not self.raw_data:  # sent without a value: a form that was not drawn by the page
            raise StopValidation(self.invalid_choice_message)
        super().pre_validate(form)


class FaultCodeForm(BaseForm):
    category = StringField("Product category", validators=[Optional(), Length(max=60)],
                           description="As on the product models, like Heating. Leave empty: for every category.")
    kind = SelectField("Kind", choices=enum_choices(FaultKind), validators=[DataRequired("Choose the kind.")])
    code = StringField("Code", validators=[
        DataRequired("Enter a short code, like NO-HEAT."), Length(max=20),
        Regexp(CODE_PATTERN, message="Use letters, digits and - only, like NO-HEAT.")])
    label = StringField("Meaning", validators=[DataRequired("Enter what the code means."), Length(max=120)],
                        description="What the technician reads on the chip, like “No heating”.")

    def values(self) -> dict:
        return {"category": (self.category.data or "").strip() or None, "kind": FaultKind(self.kind.data),
                "code": self.code.data.strip().upper(), "label": self.label.data.strip()}


class NewFaultCodeForm(FaultCodeForm):
    client_id = ClientIdField()
