"""The office's record of what a customer paid for a visit: invoice, amount, day, method, reference."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, StopValidation

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import DateField, MoneyField
from fieldapp.models import PaymentMethod


def _text(value):
    return (value or "").strip() or None


class PaymentForm(BaseForm):
    invoice_number = StringField(_l("Invoice number"), validators=[Optional(), Length(max=40)], filters=[_text])
    invoiced_on = DateField(_l("Invoiced on"), validators=[Optional()])
    paid = MoneyField(_l("Paid so far"), description=_l("The total received for this visit; empty or 0: nothing yet."))
    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    # Left out or on its placeholder: not paid yet (the service asks for it when an amount is given).
    method = SelectField(_l("Paid by"), choices=enum_choices(PaymentMethod, _l("Not paid yet")), validate_choice=False)
    reference = StringField(_l("Payment reference"), validators=[Optional(), Length(max=80)], filters=[_text],
                            description=_l("The bank's or card terminal's reference, for finding it again."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], filters=[_text])

    def validate_method(self, field):
        if field.data and field.data not in {m.value for m in PaymentMethod}:
            raise StopValidation(_("Choose one from the list."))
