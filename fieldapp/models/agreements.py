"""A service sold without a product: an agreement with a customer (for a site, say) to look after
what they have, for a period and a price. It covers a visit of that customer on a day it runs
when the product itself is not covered (or the case has no product)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models.assets import CoverageKind, Covers
from fieldapp.orm import utcnow

if TYPE_CHECKING:
    from fieldapp.models.people import Customer, User


class ServiceAgreement(Covers, db.Model):
    __tablename__ = "service_agreements"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_not_negative"),
        CheckConstraint("maintenance_visits_per_year >= 0", name="maintenance_visits_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(60))
    what: Mapped[str] = mapped_column(String(200))  # "Heating and cooling at the Keizersgracht office"
    site: Mapped[str | None] = mapped_column(Text)  # the address it is for, when not the customer's
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    price_cents: Mapped[int | None]
    covers_parts: Mapped[bool] = mapped_column(default=False)
    covers_labour: Mapped[bool] = mapped_column(default=True)
    covers_transport: Mapped[bool] = mapped_column(default=True)
    maintenance_visits_per_year: Mapped[int] = mapped_column(default=0)
    terms: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sold_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    customer: Mapped[Customer] = relationship(back_populates="agreements")
    sold_by: Mapped[User | None] = relationship()

    # Read like a product's coverage wherever a visit's coverage is (costs, badges, the report).
    kind = CoverageKind.SERVICE_AGREEMENT
    response_hours = None
    resolution_hours = None

