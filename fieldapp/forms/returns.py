"""Forms of returns and refunds: starting one on a case, each step the office takes, and the
customer's request from the product's public page."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fieldapp.forms import BaseForm, enum_choices
from fieldapp.forms.fields import MoneyField
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.models import ReturnCondition, ReturnDecision

TEXT_MAX = 2000


def _reason(label: str, message: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(message), Length(
        min=5, max=TEXT_MAX, message=f"Write 5 to {TEXT_MAX} characters.")])


def _condition() -> SelectField:
    return SelectField("Condition of the product", choices=enum_choices(ReturnCondition, "Choose…"),
                       validators=[DataRequired("Choose the product's condition.")])


class StartReturnForm(BaseForm):
    reason = _reason("Why is it returned?", "Write why the customer returns it.")
    condition = _condition()


class ApproveReturnForm(BaseForm):
    decision = SelectField("Decision", choices=enum_choices(ReturnDecision, "Choose…"),
                           validators=[DataRequired("Choose refund, exchange or repair.")])
    amount = MoneyField("Amount (optional)", description="For a refund: the amount to pay back, like 149.00.")
    override_note = TextAreaField("Why approve it anyway?", validators=[Optional(), Length(max=TEXT_MAX)],
                                  description="Needed: this return is outside the policy.")


class RefuseReturnForm(BaseForm):
    reason = _reason("Why is it refused?", "Write why the return is refused.")


class ReceiveReturnForm(BaseForm):
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=TEXT_MAX)],
                         description="E.g. the state it came back in.")


class CompleteReturnForm(BaseForm):
    amount = MoneyField("Amount", description="Refunded (required for a refund), or charged or paid for an "
                                              "exchange or repair.")
    resolve_case = BooleanField("Resolve the case too", default=True)


class PublicReturnForm(ServiceRequestForm):
    """The customer's return request on the product's page: who they are, why, in what state."""

    description = None  # the request form's fields that a return does not ask
    preferred_time = None
    reason = _reason("Why do you want to return it?", "Tell us why you want to return it.")
    condition = _condition()

    def contact(self) -> dict:
        return {"name": self.name.data, "phone": self.phone.data, "email": self.email.data}
