"""Forms of the catalog: product models with their terms and education material, and parts."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import ClientIdField, MoneyField
from fieldapp.forms.validators import HttpUrl
from fieldapp.links import URL_MAX_LENGTH
from fieldapp.models import ResourceKind

MAX_WARRANTY_MONTHS = 120
MAX_MAINTENANCE_MONTHS = 120
MAX_RETURN_DAYS = 365
MAX_FAQ_POSITION = 999


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


class ProductModelForm(BaseForm):
    name = StringField("Name", validators=[DataRequired("Enter the model's name."), Length(max=160)])
    model_number = StringField("Model number", validators=[DataRequired("Enter the model number."),
                                                           Length(max=60)])
    category = StringField("Category", validators=[Optional(), Length(max=60)],
                           description="For example Heating, Cooling, Appliances.")
    specifications = TextAreaField("Specifications", validators=[Optional(), Length(max=4000)])
    warranty_months = IntegerField(
        "Standard warranty (months)", default=24,
        validators=[InputRequired("Enter the warranty in months (0 for none)."),
                    NumberRange(0, MAX_WARRANTY_MONTHS, f"Enter 0 to {MAX_WARRANTY_MONTHS} months.")])
    warranty_terms = TextAreaField("Warranty terms", validators=[Optional(), Length(max=4000)])
    maintenance_interval_months = IntegerField(
        "Maintenance every (months)",
        validators=[Optional(), NumberRange(1, MAX_MAINTENANCE_MONTHS,
                                            f"Enter 1 to {MAX_MAINTENANCE_MONTHS} months, or leave it empty.")],
        description="Leave empty when the model needs no preventive maintenance.")
    return_window_days = IntegerField(
        "Return window (days)", default=30,
        validators=[InputRequired("Enter the return window in days (0: not returnable)."),
                    NumberRange(0, MAX_RETURN_DAYS, f"Enter 0 to {MAX_RETURN_DAYS} days.")],
        description="Days after the sale a customer may return it; 0: this model is not returnable.")
    return_conditions = TextAreaField("Return conditions", validators=[Optional(), Length(max=2000)],
                                      description="Shown to customers: packaging, condition, receipt.")
    care_tips = TextAreaField("Care tips", validators=[Optional(), Length(max=2000)],
                              description="One tip per line; shown on the product's QR page.")

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(), "model_number": self.model_number.data.strip(),
            "category": _text(self.category.data), "specifications": _text(self.specifications.data),
            "warranty_months": self.warranty_months.data, "warranty_terms": _text(self.warranty_terms.data),
            "maintenance_interval_months": self.maintenance_interval_months.data,
            "return_window_days": self.return_window_days.data,
            "return_conditions": _text(self.return_conditions.data), "care_tips": _text(self.care_tips.data),
        }


class NewProductModelForm(ProductModelForm):
    client_id = ClientIdField()


class ResourceForm(BaseForm):
    kind = SelectField("Kind", choices=enum_choices(ResourceKind), validators=[DataRequired("Choose the kind.")])
    title = StringField("Title", validators=[DataRequired("Enter a title, like “User manual (PDF)”."),
                                             Length(max=160)])
    url = StringField("Web address", validators=[DataRequired("Enter the web address."),
                                                 Length(max=URL_MAX_LENGTH), HttpUrl()],
                      description="A full address starting with https://.")

    def values(self) -> dict:
        return {"kind": ResourceKind(self.kind.data), "title": self.title.data.strip(), "url": self.url.data}


class NewResourceForm(ResourceForm):
    client_id = ClientIdField()


class FaqForm(BaseForm):
    question = StringField("Question", validators=[DataRequired("Enter the question."), Length(max=300)])
    answer = TextAreaField("Answer", validators=[DataRequired("Enter the answer."), Length(max=4000)])
    position = IntegerField(
        "Order", validators=[Optional(), NumberRange(0, MAX_FAQ_POSITION, f"Enter 0 to {MAX_FAQ_POSITION}.")],
        description="Lower numbers come first; leave empty to put it last.")

    def values(self) -> dict:
        return {"question": self.question.data.strip(), "answer": self.answer.data.strip(),
                "position": self.position.data}


class NewFaqForm(FaqForm):
    client_id = ClientIdField()


SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"


class PartForm(BaseForm):
    sku = StringField("SKU", validators=[
        DataRequired("Enter the SKU."), Length(max=40),
        Regexp(SKU_PATTERN, message="Use letters, digits and . _ / - only, like HP-FAN-01."),
    ])
    name = StringField("Name", validators=[DataRequired("Enter the part's name."), Length(max=160)])
    unit_price = MoneyField("Price", required=True, required_message="Enter the price, like 12.50.",
                            description="Like 12.50. Parts already on visits keep the price they were added at.")

    def values(self) -> dict:
        return {"sku": self.sku.data.strip(), "name": self.name.data.strip(),
                "unit_price_cents": self.unit_price.cents}


class NewPartForm(PartForm):
    client_id = ClientIdField()
    active = BooleanField("Active: technicians can add it to a visit", default=True)

    def values(self) -> dict:
        return {**super().values(), "active": self.active.data}
