"""What the customer pays for a visit's billable work: invoiced, then paid in full or in part."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.people import User
    from fieldapp.models.visits import Visit


class PaymentState(LabelledEnum):
    """to be invoiced -> invoiced -> partly paid -> paid (worked out from what is recorded)."""

    TO_INVOICE = "to_invoice", _l("To be invoiced")
    INVOICED = "invoiced", _l("Invoiced")
    PARTLY_PAID = "partly_paid", _l("Partly paid")
    PAID = "paid", _l("Paid")


class PaymentMethod(LabelledEnum):
    ON_SITE = "on_site", _l("Paid to the technician")
    CARD = "card", _l("Card")
    BANK_TRANSFER = "bank_transfer", _l("Bank transfer")
    CASH = "cash", _l("Cash")
    OTHER = "other", _l("Other")


class Payment(db.Model):
    """The billable part of one completed visit, and what has been invoiced and paid for it."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_due_cents >= 0", name="amount_due_not_negative"),
        CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    state: Mapped[PaymentState] = enum_column(PaymentState, default=PaymentState.TO_INVOICE, index=True)
    amount_due_cents: Mapped[int]
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    invoiced_on: Mapped[date | None]
    paid_cents: Mapped[int] = mapped_column(default=0)
    paid_on: Mapped[date | None]
    method: Mapped[PaymentMethod | None] = enum_column(PaymentMethod, nullable=True)
    reference: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    visit: Mapped[Visit] = relationship(back_populates="payment")
    updated_by: Mapped[User | None] = relationship()

    @property
    def outstanding_cents(self) -> int:
        return max(0, self.amount_due_cents - self.paid_cents)
