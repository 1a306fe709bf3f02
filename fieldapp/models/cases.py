"""Service requests (cases) with their follow-ups and complaints."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.assets import Asset
    from fieldapp.models.people import Customer, User
    from fieldapp.models.visits import Visit


class Channel(LabelledEnum):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    WEB = "web", "Web"
    QR = "qr", "QR code"


class CaseType(LabelledEnum):
    REPAIR = "repair", "Repair / fault"
    INSTALLATION = "installation", "Installation"
    MAINTENANCE = "maintenance", "Maintenance"
    QUESTION = "question", "Question / advice"
    RETURN = "return", "Return / refund"


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CaseStatus(LabelledEnum):
    NEW = "new", "New"
    ASSESSING = "assessing", "Assessing"
    REMOTE_SUPPORT = "remote_support", "Remote support"
    VISIT_SCHEDULED = "visit_scheduled", "Visit scheduled"
    FOLLOW_UP = "follow_up", "Awaiting follow-up"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.CANCELLED)


OPEN_CASE_STATUSES = [s for s in CaseStatus if s.is_open]


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # C-2026-00042
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    # The requester as they gave themselves (a QR request may come from anyone at the site).
    contact_name: Mapped[str | None] = mapped_column(String(160))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    preferred_time: Mapped[str | None] = mapped_column(String(160))
    channel: Mapped[Channel] = enum_column(Channel)
    case_type: Mapped[CaseType] = enum_column(CaseType, default=CaseType.REPAIR)
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority] = enum_column(Priority, default=Priority.NORMAL)
    status: Mapped[CaseStatus] = enum_column(CaseStatus, default=CaseStatus.NEW, index=True)
    assessment_notes: Mapped[str | None] = mapped_column(Text)
    remote_support_notes: Mapped[str | None] = mapped_column(Text)
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    # Set by a low rating or a complaint; cleared when the dispatcher has dealt with it.
    needs_attention: Mapped[bool] = mapped_column(default=False, index=True)
    attention_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]
    closed_on: Mapped[date | None]  # the report's closure date

    asset: Mapped[Asset | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    visits: Mapped[list[Visit]] = relationship(back_populates="case", order_by="Visit.scheduled_start")
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="FollowUp.due_on"
    )
    complaints: Mapped[list[Complaint]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Complaint.received_at"
    )

    def __repr__(self) -> str:
        return f"<Case {self.number}>"


class FollowUpKind(LabelledEnum):
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    EMAIL = "email", "Email"
    SURVEY = "survey", "Satisfaction survey"


class FollowUp(db.Model):
    """Something to chase on a case: a call back, a return visit, a survey."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FollowUpKind] = enum_column(FollowUpKind)
    due_on: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="follow_ups")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ComplaintSource(LabelledEnum):
    ON_SITE_RATING = "on_site_rating", "On-site rating"
    QR_RATING = "qr_rating", "QR rating"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    WEB = "web", "Web"


class Complaint(db.Model):
    """A complaint raised on a case, and how it was addressed."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source: Mapped[ComplaintSource] = enum_column(ComplaintSource)
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="complaints")


class NumberSequence(db.Model):
    """Per-year counters for human case numbers; the row lock serialises concurrent takers."""

    __tablename__ = "number_sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
