"""Forms of the asset registry: a sold unit, its warranties/contracts, a new case for it."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField, IdField, IdSelectField
from fieldapp.models import CaseType, Channel, CoverageKind, Priority
from fieldapp.clock import today


class AssetForm(BaseForm):
    product_model_id = IdSelectField("Product model", message="Choose the model.")
    # Chosen with the customer picker (a search), not a list of every customer in the company.
    customer_id = IdField("Customer", message="Choose the customer.")
    serial_number = StringField("Serial number", validators=[DataRequired("Enter the serial number."),
                                                             Length(max=80)])
    sales_date = DateField("Sales date", validators=[InputRequired("Enter the sales date, like 2026-03-31.")])
    install_address = TextAreaField("Install address", validators=[Optional(), Length(max=500)],
                                    description="Leave empty when it is the customer's address.")
    warranty_ends_on = DateField("Warranty ends on", validators=[Optional()],
                                 description="Leave empty to use the model's standard warranty length.")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])

    def set_choices(self, models) -> None:
        self.product_model_id.choices = [(m.id, m.label) for m in models]

    def validate_sales_date(self, field):
        if field.data and field.data > today():
            raise ValidationError("The sales date cannot be in the future.")


class CoverageForm(BaseForm):
    kind = SelectField("Kind", choices=enum_choices(CoverageKind), validators=[DataRequired("Choose the kind.")])
    reference = StringField("Contract / reference number", validators=[Optional(), Length(max=60)])
    starts_on = DateField("Starts on", validators=[InputRequired("Enter the start date.")])
    ends_on = DateField("Ends on", validators=[InputRequired("Enter the end date.")])
    covers_parts = BooleanField("Covers parts")
    covers_labour = BooleanField("Covers labour")
    covers_transport = BooleanField("Covers transport")
    terms = TextAreaField("Terms and conditions", validators=[Optional(), Length(max=4000)])

    def values(self) -> dict:
        return {
            "kind": CoverageKind(self.kind.data), "reference": (self.reference.data or "").strip() or None,
            "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "covers_parts": self.covers_parts.data, "covers_labour": self.covers_labour.data,
            "covers_transport": self.covers_transport.data, "terms": (self.terms.data or "").strip() or None,
        }


class NewCaseForm(BaseForm):
    channel = SelectField("Came in by", choices=enum_choices(Channel), validators=[DataRequired()])
    case_type = SelectField("Request type", choices=enum_choices(CaseType), validators=[DataRequired()])
    priority = SelectField("Priority", choices=enum_choices(Priority), default=Priority.NORMAL.value,
                           validators=[DataRequired()])
    description = TextAreaField("What is wrong", validators=[DataRequired("Describe the problem."),
                                                             Length(max=4000)])
