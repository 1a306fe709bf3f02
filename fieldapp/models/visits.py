"""Service visits by a technician, and the parts used on them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models.catalog import Part
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.cases import Case
    from fieldapp.models.faults import FaultCode
    from fieldapp.models.people import User
    from fieldapp.models.payments import Payment
    from fieldapp.models.ratings import Rating
    from fieldapp.models.recommendations import Recommendation


class ServiceType(LabelledEnum):
    INSTALLATION = "installation", _l("Installation")
    TROUBLESHOOTING = "troubleshooting", _l("Troubleshooting")
    MAINTENANCE = "maintenance", _l("Maintenance")
    REPAIR = "repair", _l("Repair")
    UPGRADE = "upgrade", _l("Product upgrade")
    WARRANTY_SERVICE = "warranty_service", _l("Warranty service")


class VisitStatus(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    TRAVELLING = "travelling", _l("Travelling")
    ON_SITE = "on_site", _l("On site")
    COMPLETED = "completed", _l("Completed")
    NOT_COMPLETED = "not_completed", _l("Could not complete")
    CANCELLED = "cancelled", _l("Cancelled")

    @property
    def is_finished(self) -> bool:
        return self in (VisitStatus.COMPLETED, VisitStatus.NOT_COMPLETED, VisitStatus.CANCELLED)


class NotCompletedReason(LabelledEnum):
    NO_ACCESS = "no_access", _l("No access")
    PARTS_NEEDED = "parts_needed", _l("Parts needed")
    CUSTOMER_ABSENT = "customer_absent", _l("Customer absent")
    OTHER = "other", _l("Other")


class Outcome(LabelledEnum):
    RESOLVED = "resolved", _l("Resolved")
    PARTIALLY_RESOLVED = "partially_resolved", _l("Partially resolved")
    NOT_RESOLVED = "not_resolved", _l("Not resolved")
    NEEDS_FOLLOW_UP = "needs_follow_up", _l("Needs follow-up")


class FollowUpRecommendation(LabelledEnum):
    NONE = "none", _l("None")
    CALL = "call", _l("Call in N days")
    VISIT = "visit", _l("Visit in N days")


class PaymentStatus(LabelledEnum):
    COVERED_WARRANTY = "covered_warranty", _l("Covered by warranty")
    COVERED_CONTRACT = "covered_contract", _l("Covered by contract")
    TO_INVOICE = "to_invoice", _l("To be invoiced")
    PAID = "paid", _l("Paid")


def _configured_labour_rate() -> int:
    return current_app.config["LABOUR_RATE_CENTS"]


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("scheduled_end > scheduled_start", name="window_ends_after_start"),
        CheckConstraint("labour_minutes IS NULL OR labour_minutes >= 0", name="labour_not_negative"),
        CheckConstraint("transport_cost_cents >= 0", name="transport_not_negative"),
        CheckConstraint("other_cost_cents >= 0", name="other_cost_not_negative"),
        CheckConstraint("labour_rate_cents >= 0", name="labour_rate_not_negative"),
        CheckConstraint("follow_up_days IS NULL OR follow_up_days > 0", name="follow_up_days_positive"),
        CheckConstraint("expected_minutes > 0", name="expected_minutes_positive"),
        # A technician's day, read without touching their other 20,000 visits.
        Index("ix_visits_technician_id_scheduled_start", "technician_id", "scheduled_start"),
        # The completed visits of one service type (last maintenance per product), from the index alone.
        Index("ix_visits_service_type_status", "service_type", "status", "case_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The arrival window the customer was given, and how long the work is expected to take:
    # the technician is busy from scheduled_start for expected_minutes (conflict checks).
    scheduled_start: Mapped[datetime] = mapped_column(index=True)
    scheduled_end: Mapped[datetime]
    expected_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    notes_for_technician: Mapped[str | None] = mapped_column(Text)
    # Raised by the office on every reschedule, reassignment or cancellation. The technician's
    # forms carry the value they were drawn with; a different one means the plan changed under
    # them (409), never a silent overwrite.
    schedule_version: Mapped[int] = mapped_column(default=1, server_default="1")
    service_type: Mapped[ServiceType] = enum_column(ServiceType)
    # Other kinds of service given on the same visit ("Installation and Maintenance"), as their
    # values separated by commas; `service_types` reads them.
    extra_service_types: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[VisitStatus] = enum_column(VisitStatus, default=VisitStatus.SCHEDULED)
    travel_started_at: Mapped[datetime | None]
    # "On my way": when the technician expects to arrive (said, or the window's start).
    expected_arrival_at: Mapped[datetime | None]
    # The customer confirmed this time by the link in the booking message (a move clears it).
    confirmed_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None] = mapped_column(index=True)  # reports read periods of it
    not_completed_reason: Mapped[NotCompletedReason | None] = enum_column(NotCompletedReason, nullable=True)
    not_completed_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[Outcome | None] = enum_column(Outcome, nullable=True)
    actions_taken: Mapped[str | None] = mapped_column(Text)
    # Picked with one tap next to the free text (models.faults); counted per model by the dashboard.
    symptom_code_id: Mapped[int | None] = mapped_column(ForeignKey("fault_codes.id"), index=True)
    cause_code_id: Mapped[int | None] = mapped_column(ForeignKey("fault_codes.id"), index=True)
    remedy_code_id: Mapped[int | None] = mapped_column(ForeignKey("fault_codes.id"), index=True)
    preventative_advice: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[FollowUpRecommendation] = enum_column(
        FollowUpRecommendation, default=FollowUpRecommendation.NONE
    )
    follow_up_days: Mapped[int | None]
    next_steps: Mapped[str | None] = mapped_column(Text)
    labour_minutes: Mapped[int | None]  # None: derived from arrival to completion
    # Per hour, fixed when the visit is planned, so a later price change leaves old reports alone.
    labour_rate_cents: Mapped[int] = mapped_column(default=_configured_labour_rate, server_default="6500")
    transport_cost_cents: Mapped[int] = mapped_column(default=0)
    # Anything else charged (a disposal fee, a call-out surcharge): always billable, with what it is.
    other_cost_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    other_cost_note: Mapped[str | None] = mapped_column(String(200))
    payment_status: Mapped[PaymentStatus | None] = enum_column(PaymentStatus, nullable=True)
    # The cost totals as they stood at completion (services.costs.store_totals), in cents, so
    # reports and exports read them without recomputing coverage.
    labour_cents: Mapped[int | None]
    parts_cents: Mapped[int | None]
    total_cents: Mapped[int | None]
    covered_cents: Mapped[int | None]
    billable_cents: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="visits")
    technician: Mapped[User] = relationship()
    parts: Mapped[list[VisitPart]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitPart.id"
    )
    rating: Mapped[Rating | None] = relationship(back_populates="visit")
    symptom_code: Mapped[FaultCode | None] = relationship(foreign_keys=[symptom_code_id])
    cause_code: Mapped[FaultCode | None] = relationship(foreign_keys=[cause_code_id])
    remedy_code: Mapped[FaultCode | None] = relationship(foreign_keys=[remedy_code_id])
    photos: Mapped[list[VisitPhoto]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitPhoto.id"
    )
    payment: Mapped[Payment | None] = relationship(back_populates="visit", uselist=False,
                                                   cascade="all, delete-orphan")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Recommendation.id")

    @property
    def also_done(self) -> list[ServiceType]:
        """The other kinds of service given on this visit (unknown stored values are skipped)."""
        known = {t.value: t for t in ServiceType}
        values = (self.extra_service_types or "").split(",")
        return [known[v] for v in dict.fromkeys(values) if v in known and v != self.service_type.value]

    @property
    def service_types(self) -> list[ServiceType]:
        return [self.service_type, *self.also_done]

    @property
    def worked_minutes(self) -> int | None:
        """Labour time: the technician's correction, else arrival to completion."""
        if self.labour_minutes is not None:
            return self.labour_minutes
        if self.arrived_at and self.completed_at:
            return max(0, round((self.completed_at - self.arrived_at).total_seconds() / 60))
        return None

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.status.value}>"


class VisitPart(db.Model):
    """A part replaced on a visit, priced at the time it was used."""

    __tablename__ = "visit_parts"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost_cents >= 0", name="unit_cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_cost_cents: Mapped[int]
    faulty_serial: Mapped[str | None] = mapped_column(String(80))
    replacement_serial: Mapped[str | None] = mapped_column(String(80))
    covered: Mapped[bool] = mapped_column(default=False)
    # The part was repaired and put back, not replaced (the report says which).
    repaired: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="parts")
    part: Mapped[Part] = relationship()

    @property
    def line_total_cents(self) -> int:
        return self.quantity * self.unit_cost_cents


class VisitPhoto(db.Model):
    """A photo taken on a visit. Stored re-encoded under a server-made name, never as uploaded."""

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="photos")

    @property
    def thumb_name(self) -> str:
        return self.stored_name.replace(".jpg", ".thumb.jpg")
