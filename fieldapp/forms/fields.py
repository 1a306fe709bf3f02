"""Field types shared by the forms: money typed the way people type it, and the write id."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Regexp, StopValidation, ValidationError

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
MAX_MONEY_CENTS = 10_000_000  # 100,000.00


class MoneyField(StringField):
    """An amount like 12.50 or 12,50; `cents` holds it as an integer, never a float."""

    cents: int | None = None

    def pre_validate(self, form) -> None:
        self.cents = None
        raw = (self.data or "").strip().replace(" ", "").replace("€", "").replace(",", ".")
        if not raw:
            return
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ValidationError("Enter an amount like 12.50.") from None
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise ValidationError("Enter an amount with at most two decimals, like 12.50.")
        if amount < 0:
            raise ValidationError("The amount cannot be negative.")
        cents = int(amount * 100)
        if cents > MAX_MONEY_CENTS:
            raise ValidationError("That amount is too large.")
        self.cents = cents


def new_client_id() -> str:
    return str(uuid.uuid4())


class ClientIdField(HiddenField):
    """The id of one write (see services.idempotency); a fresh one in every rendered form."""

    def __init__(self, **kwargs):
        super().__init__(default=new_client_id, validators=[
            DataRequired("This form is missing its id; reload the page."),
            Regexp(UUID_PATTERN, message="This form's id is malformed; reload the page."),
        ], **kwargs)

    def pre_validate(self, form) -> None:
        # The id must come from the request; the default only fills forms being rendered.
        if not getattr(self, "raw_data", None):
            raise StopValidation("This form is missing its id; reload the page.")
