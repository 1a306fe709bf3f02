"""Forms of returns and refunds: starting one on a case, each step the office takes, and the
customer's request from the product's public page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import MoneyField
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.models import ReturnCondition, ReturnDecision

TEXT_MAX = 2000


def _reason(label, message) -> TextAreaField:
    # Length fills in %(min)d and %(max)d.
    return TextAreaField(label, validators=[DataRequired(message), Length(
        min=5, max=TEXT_MAX, message=_l("Write %(min)d to %(max)d characters."))])


def _condition() -> SelectField:
    return SelectField(_l("Condition of the product"),
                       choices=lambda: enum_choices(ReturnCondition, _l("Choose…")),
                       validators=[DataRequired(_l("Choose the product's condition."))])


class StartReturnForm(BaseForm):
    reason = _reason(_l("Why is it returned?"), _l("Write why the customer returns it."))
    condition = _condition()


class ApproveReturnForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=lambda: enum_choices(ReturnDecision, _l("Choose…")),
                           validators=[DataRequired(_l("Choose refund, exchange or repair."))])
    amount = MoneyField(_l("Amount (optional)"),
                        description=_l("For a refund: the amount to pay back, like 149.00."))
    override_note = TextAreaField(_l("Why approve it anyway?"), validators=[Optional(), Length(max=TEXT_MAX)],
                                  description=_l("Needed: this return is outside the policy."))


class RefuseReturnForm(BaseForm):
    reason = _reason(_l("Why is it refused?"), _l("Write why the return is refused."))


class ReceiveReturnForm(BaseForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=TEXT_MAX)],
                         description=_l("E.g. the state it came back in."))


class CompleteReturnForm(BaseForm):
    amount = MoneyField(_l("Amount"), description=_l("Refunded (required for a refund), or charged or paid for an "
                                                     "exchange or repair."))
    resolve_case = BooleanField(_l("Resolve the case too"), default=True)


class PublicReturnForm(ServiceRequestForm):
    """The customer's return request on the product's page: who they are, why, in what state."""

    description = None  # the request form's fields that a return does not ask
    preferred_time = None
    reason = _reason(_l("Why do you want to return it?"), _l("Tell us why you want to return it."))
    condition = _condition()

    def contact(self) -> dict:
        return {"name": self.name.data, "phone": self.phone.data, "email": self.email.data}
