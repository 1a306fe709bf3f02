"""Sold units (assets) with their public QR token, and their warranties and contracts."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models.catalog import CoveragePlan, ProductModel
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.people import Customer, User

QR_TOKEN_BYTES = 18  # 144 bits from secrets; 24 URL-safe characters


def new_qr_token() -> str:
    return secrets.token_urlsafe(QR_TOKEN_BYTES)


class Asset(db.Model):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(80), unique=True)
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sales_date: Mapped[date]
    install_address: Mapped[str | None] = mapped_column(Text)
    # The public label token: never the serial or the id, and never changed by an edit.
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When maintenance is next due by the rule of services/maintenance.py, as computed on
    # `maintenance_checked_on` (None: not yet), and good until `maintenance_due_until` (the day
    # a coverage with included visits starts or ends changes it; None: until an input changes).
    # Kept by the services that change what it depends on, and daily by `flask plan-maintenance`:
    # the planner pages through it in SQL instead of computing every product's date.
    maintenance_due_on: Mapped[date | None]
    maintenance_due_until: Mapped[date | None] = mapped_column(index=True)
    maintenance_checked_on: Mapped[date | None] = mapped_column(index=True)
    # The planner's range: due by the horizon, with what says the date holds (no table lookups).
    __table_args__ = (Index("ix_assets_maintenance_due", "maintenance_due_on", "maintenance_checked_on",
                            "maintenance_due_until"),)

    product_model: Mapped[ProductModel] = relationship()
    customer: Mapped[Customer] = relationship(back_populates="assets")
    coverages: Mapped[list[Coverage]] = relationship(
        back_populates="asset", cascade="all, delete-orphan", order_by="Coverage.starts_on"
    )

    @property
    def address(self) -> str | None:
        return self.install_address or self.customer.address

    def coverage_on(self, day: date) -> Coverage | None:
        """The warranty or contract in force on `day`; a contract wins over a warranty."""
        return in_force(self.coverages, day)

    def __repr__(self) -> str:
        return f"<Asset {self.serial_number}>"


def in_force(coverages, day: date):
    """Of these coverages (or rows with kind, starts_on, ends_on), the one in force on `day`: a
    contract wins over a warranty, then the one that runs longest."""
    active = [c for c in coverages if c.starts_on <= day <= c.ends_on]
    active.sort(key=lambda c: (c.kind.is_contract, c.ends_on), reverse=True)
    return active[0] if active else None


class CoverageKind(LabelledEnum):
    STANDARD_WARRANTY = "standard_warranty", _l("Standard warranty")
    EXTENDED_WARRANTY = "extended_warranty", _l("Extended warranty")
    SERVICE_CONTRACT = "service_contract", _l("Service contract")
    SERVICE_AGREEMENT = "service_agreement", _l("Service agreement")  # sold to a customer, no product

    @property
    def is_contract(self) -> bool:
        return self in (CoverageKind.SERVICE_CONTRACT, CoverageKind.SERVICE_AGREEMENT)


class RenewalOutcome(LabelledEnum):
    RENEWED = "renewed", _l("Renewed")
    DECLINED = "declined", _l("Declined")
    NO_ANSWER = "no_answer", _l("No answer, call again")


class Covers:
    """What a period of cover pays for, and when it runs: a product's warranty or contract, or a
    customer's service agreement (models/agreements.py)."""

    starts_on: date
    ends_on: date
    covers_parts: bool
    covers_labour: bool
    covers_transport: bool

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def covered_items(self) -> list[str]:
        flags = (("parts", self.covers_parts), ("labour", self.covers_labour), ("transport", self.covers_transport))
        return [name for name, on in flags if on]


class Coverage(Covers, db.Model):
    """A warranty or service contract on an asset: what it covers and from when to when."""

    __tablename__ = "coverages"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_not_negative"),
        CheckConstraint("maintenance_visits_per_year >= 0", name="maintenance_visits_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CoverageKind] = enum_column(CoverageKind)
    reference: Mapped[str | None] = mapped_column(String(60))
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    covers_parts: Mapped[bool] = mapped_column(default=True)
    covers_labour: Mapped[bool] = mapped_column(default=True)
    covers_transport: Mapped[bool] = mapped_column(default=False)
    terms: Mapped[str | None] = mapped_column(Text)
    # A sale of a coverage plan: which plan, for how much, when and by whom.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("coverage_plans.id", ondelete="SET NULL"))
    price_cents: Mapped[int | None]
    sold_at: Mapped[datetime | None]
    sold_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Preventive maintenance visits included each year, and the service targets it promises.
    maintenance_visits_per_year: Mapped[int] = mapped_column(default=0)
    response_hours: Mapped[int | None]
    resolution_hours: Mapped[int | None]
    # The renewal call before it ends.
    renewal_outcome: Mapped[RenewalOutcome | None] = enum_column(RenewalOutcome, nullable=True)
    renewal_contacted_at: Mapped[datetime | None]
    renewal_note: Mapped[str | None] = mapped_column(Text)

    asset: Mapped[Asset] = relationship(back_populates="coverages")
    plan: Mapped[CoveragePlan | None] = relationship()
    sold_by: Mapped[User | None] = relationship()



class RetiredLabel(db.Model):
    """A QR token replaced by a new label: scanning it says the label was replaced."""

    __tablename__ = "retired_labels"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
