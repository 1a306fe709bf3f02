"""A service agreement sold to a customer without a product."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from fieldapp.forms import BaseForm
from fieldapp.forms.fields import ClientIdField, DateField, MoneyField


def _text(value):
    return (value or "").strip() or None


class AgreementForm(BaseForm):
    client_id = ClientIdField()  # a double tap sells one agreement
    what = StringField(_l("What is looked after"), validators=[DataRequired(_l("Say what the agreement covers.")),
                                                              Length(max=200)],
                       description=_l("Like “Heating and cooling at the Keizersgracht office”."))
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=60)], filters=[_text])
    site = TextAreaField(_l("Site address (when not the customer's)"), validators=[Optional(), Length(max=500)],
                         filters=[_text])
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter the first day, like 2026-12-01."))])
    ends_on = DateField(_l("Until"), validators=[InputRequired(_l("Enter the last day, like 2027-11-30."))])
    price = MoneyField(_l("Price (optional)"))
    covers_parts = BooleanField(_l("Covers parts"))
    covers_labour = BooleanField(_l("Covers labour"), default=True)
    covers_transport = BooleanField(_l("Covers transport"), default=True)
    maintenance_visits_per_year = IntegerField(
        _l("Maintenance visits a year"), default=0,
        validators=[InputRequired(_l("Enter a number of visits (0 for none).")),
                    NumberRange(0, 12, _l("Enter %(min)s to %(max)s visits."))])
    terms = TextAreaField(_l("Terms"), validators=[Optional(), Length(max=4000)], filters=[_text])
