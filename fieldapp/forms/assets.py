"""Forms of the asset registry: a sold unit, its warranties/contracts, a new case for it."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from fieldapp.clock import today
from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField, IdField, IdSelectField
from fieldapp.models import CaseType, Channel, CoverageKind, Priority


class AssetForm(BaseForm):
    product_model_id = IdSelectField(_l("Product model"), message=_l("Choose the model."))
    # Chosen with the customer picker (a search), not a list of every customer in the company.
    customer_id = IdField(_l("Customer"), message=_l("Choose the customer."))
    serial_number = StringField(_l("Serial number"), validators=[DataRequired(_l("Enter the serial number.")),
                                                                 Length(max=80)])
    sales_date = DateField(_l("Sales date"), validators=[InputRequired(_l("Enter the sales date, like 2026-03-31."))])
    install_address = TextAreaField(_l("Install address"), validators=[Optional(), Length(max=500)],
                                    description=_l("Leave empty when it is the customer's address."))
    warranty_ends_on = DateField(_l("Warranty ends on"), validators=[Optional()],
                                 description=_l("Leave empty to use the model's standard warranty length."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def set_choices(self, models) -> None:
        self.product_model_id.choices = [(m.id, m.label) for m in models]

    def validate_sales_date(self, field):
        if field.data and field.data > today():
            raise ValidationError(_("The sales date cannot be in the future."))


class CoverageForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=enum_choices(CoverageKind),
                       validators=[DataRequired(_l("Choose the kind."))])
    reference = StringField(_l("Contract / reference number"), validators=[Optional(), Length(max=60)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter the start date."))])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter the end date."))])
    covers_parts = BooleanField(_l("Covers parts"))
    covers_labour = BooleanField(_l("Covers labour"))
    covers_transport = BooleanField(_l("Covers transport"))
    terms = TextAreaField(_l("Terms and conditions"), validators=[Optional(), Length(max=4000)])

    def values(self) -> dict:
        return {
            "kind": CoverageKind(self.kind.data), "reference": (self.reference.data or "").strip() or None,
            "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "covers_parts": self.covers_parts.data, "covers_labour": self.covers_labour.data,
            "covers_transport": self.covers_transport.data, "terms": (self.terms.data or "").strip() or None,
        }


class NewCaseForm(BaseForm):
    channel = SelectField(_l("Came in by"), choices=enum_choices(Channel), validators=[DataRequired()])
    case_type = SelectField(_l("Request type"), choices=enum_choices(CaseType), validators=[DataRequired()])
    priority = SelectField(_l("Priority"), choices=enum_choices(Priority), default=Priority.NORMAL.value,
                           validators=[DataRequired()])
    description = TextAreaField(_l("What is wrong"), validators=[DataRequired(_l("Describe the problem.")),
                                                                 Length(max=4000)])
