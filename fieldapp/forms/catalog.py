"""Forms of the catalog: product models with their terms and education material, and parts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from fieldapp import languages
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
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the model's name.")), Length(max=160)])
    model_number = StringField(_l("Model number"), validators=[DataRequired(_l("Enter the model number.")),
                                                               Length(max=60)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=60)],
                           description=_l("For example Heating, Cooling, Appliances."))
    specifications = TextAreaField(_l("Specifications"), validators=[Optional(), Length(max=4000)],
                                   description=_l("Shown to technicians on the visit and to staff on the product."))
    specifications_public = BooleanField(_l("Show the specifications on the product's public QR page"))
    # NumberRange fills in %(min)s and %(max)s.
    warranty_months = IntegerField(
        _l("Standard warranty (months)"), default=24,
        validators=[InputRequired(_l("Enter the warranty in months (0 for none).")),
                    NumberRange(0, MAX_WARRANTY_MONTHS, _l("Enter %(min)s to %(max)s months."))])
    warranty_terms = TextAreaField(_l("Warranty terms"), validators=[Optional(), Length(max=4000)],
                                   description=_l("What the standard warranty promises: parts, labour, how to claim."))
    warranty_conditions = TextAreaField(_l("Warranty conditions and exclusions"),
                                        validators=[Optional(), Length(max=4000)],
                                        description=_l("What voids it or is not covered: misuse, wear parts, "
                                                       "unauthorised repairs."))
    maintenance_interval_months = IntegerField(
        _l("Maintenance every (months)"),
        validators=[Optional(), NumberRange(1, MAX_MAINTENANCE_MONTHS,
                                            _l("Enter %(min)s to %(max)s months, or leave it empty."))],
        description=_l("Leave empty when the model needs no preventive maintenance."))
    return_window_days = IntegerField(
        _l("Return window (days)"), default=30,
        validators=[InputRequired(_l("Enter the return window in days (0: not returnable).")),
                    NumberRange(0, MAX_RETURN_DAYS, _l("Enter %(min)s to %(max)s days."))],
        description=_l("Days after the sale a customer may return it; 0: this model is not returnable."))
    return_conditions = TextAreaField(_l("Return conditions"), validators=[Optional(), Length(max=2000)],
                                      description=_l("Shown to customers: packaging, condition, receipt."))
    care_tips = TextAreaField(_l("Care tips"), validators=[Optional(), Length(max=2000)],
                              description=_l("One tip per line; shown on the product's QR page."))

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(), "model_number": self.model_number.data.strip(),
            "category": _text(self.category.data), "specifications": _text(self.specifications.data),
            "specifications_public": bool(self.specifications_public.data),
            "warranty_months": self.warranty_months.data, "warranty_terms": _text(self.warranty_terms.data),
            "warranty_conditions": _text(self.warranty_conditions.data),
            "maintenance_interval_months": self.maintenance_interval_months.data,
            "return_window_days": self.return_window_days.data,
            "return_conditions": _text(self.return_conditions.data), "care_tips": _text(self.care_tips.data),
        }


class NewProductModelForm(ProductModelForm):
    client_id = ClientIdField()


class ResourceForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=lambda: enum_choices(ResourceKind),
                       validators=[DataRequired(_l("Choose the kind."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title, like “User manual (PDF)”.")),
                                                 Length(max=160)])
    url = StringField(_l("Web address"), validators=[DataRequired(_l("Enter the web address.")),
                                                     Length(max=URL_MAX_LENGTH), HttpUrl()],
                      description=_l("A full address starting with https://."))

    def values(self) -> dict:
        return {"kind": ResourceKind(self.kind.data), "title": self.title.data.strip(), "url": self.url.data}


class NewResourceForm(ResourceForm):
    client_id = ClientIdField()


class FaqForm(BaseForm):
    question = StringField(_l("Question"), validators=[DataRequired(_l("Enter the question.")), Length(max=300)])
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(_l("Enter the answer.")), Length(max=4000)])
    position = IntegerField(
        _l("Order"), validators=[Optional(), NumberRange(0, MAX_FAQ_POSITION, _l("Enter %(min)s to %(max)s."))],
        description=_l("Lower numbers come first; leave empty to put it last."))

    def values(self) -> dict:
        return {"question": self.question.data.strip(), "answer": self.answer.data.strip(),
                "position": self.position.data}


class NewFaqForm(FaqForm):
    client_id = ClientIdField()


SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"


class PartForm(BaseForm):
    sku = StringField(_l("SKU"), validators=[
        DataRequired(_l("Enter the SKU.")), Length(max=40),
        Regexp(SKU_PATTERN, message=_l("Use letters, digits and . _ / - only, like HP-FAN-01.")),
    ])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the part's name.")), Length(max=160)])
    unit_price = MoneyField(_l("Price"), required=True, required_message=_l("Enter the price, like 12.50."),
                            description=_l("Like 12.50. Parts already on visits keep the price they were added at."))

    def values(self) -> dict:
        return {"sku": self.sku.data.strip(), "name": self.name.data.strip(),
                "unit_price_cents": self.unit_price.cents}


class NewPartForm(PartForm):
    client_id = ClientIdField()
    active = BooleanField(_l("Active: technicians can add it to a visit"), default=True)

    def values(self) -> dict:
        return {**super().values(), "active": self.active.data}


# --- Translations of customer-facing text ---------------------------------------------------------------

# What the office translates per kind of record (services/content.py): field, label, multi-line.
TRANSLATED: dict[str, list[tuple[str, str, bool]]] = {
    "product_model": [("care_tips", _l("Care tips"), True), ("return_conditions", _l("Return conditions"), True),
                      ("warranty_terms", _l("Warranty terms"), True),
                      ("warranty_conditions", _l("Warranty conditions and exclusions"), True)],
    "product_resource": [("title", _l("Title"), False)],
    "faq_entry": [("question", _l("Question"), False), ("answer", _l("Answer"), True)],
    "fault_code": [("label", _l("Meaning"), False)],
}
# Length fills in %(max)d and %(length)d.
TOO_LONG = _l("Write at most %(max)d characters (this has %(length)d).")


class TranslationsForm(BaseForm):
    """A record's customer-facing text in the other languages: one input per field and shipped
    language, named field__language. Only the languages the office may write in (all but the
    company's: services.content.other_languages) are shown and read; an input for the company's
    own language is validated like the others and then ignored (its text is the record's)."""

    kind: str = ""

    def _languages(self) -> list[tuple[str, str]]:
        from fieldapp.services import content

        return [(code, name) for code, name in content.other_languages() if code in languages.LANGUAGES]

    def by_language(self) -> list[tuple[str, str, list]]:
        """(code, name, its fields) per language the office may write in, for the page."""
        return [(code, name, [self[f"{field}__{code}"] for field, _label, _multi in TRANSLATED[self.kind]])
                for code, name in self._languages()]

    def texts(self) -> dict[str, dict[str, str | None]]:
        """{language: {field: text}} for the service (empty text: no translation)."""
        return {code: {field: self[f"{field}__{code}"].data for field, _label, _multi in TRANSLATED[self.kind]}
                for code, _name in self._languages()}


def _translations_form(name: str, kind: str) -> type[TranslationsForm]:
    from fieldapp.services.content import FIELDS

    fields = {}
    for code in languages.LANGUAGES:
        for field, label, multiline in TRANSLATED[kind]:
            # Each named with its language ("Care tips (Nederlands)"): one name per field on the page.
            fields[f"{field}__{code}"] = (TextAreaField if multiline else StringField)(
                _l("%(field)s (%(language)s)", field=label, language=languages.LANGUAGES[code]),
                validators=[Optional(), Length(max=FIELDS[kind][field], message=TOO_LONG)])
    return type(name, (TranslationsForm,), {**fields, "kind": kind})


ModelTranslationsForm = _translations_form("ModelTranslationsForm", "product_model")
ResourceTranslationsForm = _translations_form("ResourceTranslationsForm", "product_resource")
FaqTranslationsForm = _translations_form("FaqTranslationsForm", "faq_entry")
FaultCodeTranslationsForm = _translations_form("FaultCodeTranslationsForm", "fault_code")
TRANSLATIONS_FORMS = {form.kind: form for form in (ModelTranslationsForm, ResourceTranslationsForm,
                                                   FaqTranslationsForm, FaultCodeTranslationsForm)}


def translations_form(kind: str, saved: dict[str, dict[str, str]] | None = None) -> TranslationsForm:
    """A fresh translations form of a record of `kind`, showing what is `saved` ({language: {field: text}})."""
    data = {f"{field}__{code}": text for code, texts in (saved or {}).items() for field, text in texts.items()}
    return TRANSLATIONS_FORMS[kind](formdata=None, data=data)
