"""Forms of the complaints: logging one on a case, choosing who handles it, resolving it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from fieldapp.forms import BaseForm
from fieldapp.forms.fields import ClientIdField, IdSelectField
from fieldapp.forms.followups import back_field
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.models import User
from fieldapp.services.complaints import DESK_SOURCES

TEXT_MAX = 4000


class ComplaintForm(BaseForm):
    client_id = ClientIdField()  # a double tap logs one complaint
    # Choices as a function: the labels are read in the language of each request.
    source = SelectField(_l("Came in by"), choices=lambda: [SelectChoice(s.value, s.label) for s in DESK_SOURCES],
                         validators=[DataRequired(_l("Choose how the complaint came in."))])
    description = TextAreaField(_l("The complaint"), validators=[
        DataRequired(_l("Write what the customer complains about.")), Length(max=TEXT_MAX)])
    mine = BooleanField(_l("I handle it"))


class AssignForm(BaseForm):
    owner_id = IdSelectField(_l("Handled by"), message=_l("Choose someone in the office."))
    back = back_field()

    def set_staff(self, staff: list[User]) -> None:
        self.owner_id.choices = [SelectChoice(u.id, u.name) for u in staff]


class ResolveComplaintForm(BaseForm):
    client_id = ClientIdField()
    resolution = TextAreaField(_l("What was done"), validators=[
        DataRequired(_l("Write what was done about it.")), Length(max=TEXT_MAX)])
    customer_response = TextAreaField(_l("The customer's answer"), validators=[
        DataRequired(_l("Write what the customer said (or that they could not be reached).")), Length(max=TEXT_MAX)])
    back = back_field()


def assign_form(staff: list[User], **kwargs) -> AssignForm:
    form = AssignForm(**kwargs)
    form.set_staff(staff)
    return form


class QrComplaintForm(ServiceRequestForm):
    """“Something wrong? Tell us”: on the product's public page, from whoever is at the product."""

    description = TextAreaField(_l("What went wrong?"), validators=[
        DataRequired(_l("Tell us what went wrong.")),
        Length(min=5, max=2000, message=_l("Tell us in 5 to 2000 characters."))])
    preferred_time = None  # not asked here
