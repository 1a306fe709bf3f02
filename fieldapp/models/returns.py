"""Returns and refunds (process step 10): a customer sends a product back within its return window."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.assets import Asset
    from fieldapp.models.cases import Case
    from fieldapp.models.people import User


class ReturnCondition(LabelledEnum):
    UNOPENED = "unopened", _l("Unopened, in its packaging")
    AS_NEW = "as_new", _l("Opened, as new")
    USED = "used", _l("Used, working")
    FAULTY = "faulty", _l("Faulty")
    DAMAGED = "damaged", _l("Damaged")


class ReturnDecision(LabelledEnum):
    REFUND = "refund", _l("Refund")
    EXCHANGE = "exchange", _l("Exchange")
    REPAIR = "repair", _l("Repair")


class ReturnStatus(LabelledEnum):
    """requested -> approved or refused; approved -> received -> refunded, exchanged or repaired."""

    REQUESTED = "requested", _l("Requested")
    APPROVED = "approved", _l("Approved")
    REFUSED = "refused", _l("Refused")
    RECEIVED = "received", _l("Received back")
    REFUNDED = "refunded", _l("Refunded")
    EXCHANGED = "exchanged", _l("Exchanged")
    REPAIRED = "repaired", _l("Repaired and sent back")

    @property
    def is_open(self) -> bool:
        return self in (ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED)


class ReturnRequest(db.Model):
    __tablename__ = "return_requests"
    __table_args__ = (CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    condition: Mapped[ReturnCondition] = enum_column(ReturnCondition)
    requested_on: Mapped[date]  # in the company's time zone: the day eligibility is judged on
    # Eligibility as computed when requested, with the reason shown to staff and customer.
    eligible: Mapped[bool]
    eligibility_reason: Mapped[str] = mapped_column(Text)
    # Approving an ineligible return needs a note saying why.
    override_note: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[ReturnDecision | None] = enum_column(ReturnDecision, nullable=True)
    amount_cents: Mapped[int | None]
    status: Mapped[ReturnStatus] = enum_column(ReturnStatus, default=ReturnStatus.REQUESTED, index=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="return_requests")
    asset: Mapped[Asset] = relationship()
    created_by: Mapped[User | None] = relationship()
