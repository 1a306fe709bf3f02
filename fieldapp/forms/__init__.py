"""FlaskForm classes, one module per area."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice


class ActionForm(FlaskForm):
    """No fields: carries the CSRF token for POST-only buttons."""


def enum_choices(enum_cls, placeholder: str | None = None) -> list[SelectChoice]:
    """Select options from a LabelledEnum: its values, shown with their labels."""
    options = [SelectChoice(member.value, member.label) for member in enum_cls]
    return ([SelectChoice("", placeholder)] if placeholder else []) + options
