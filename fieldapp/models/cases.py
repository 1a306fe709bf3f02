"""Service requests (cases) with their follow-ups and complaints."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.assets import Asset
    from fieldapp.models.people import Customer, User
    from fieldapp.models.returns import ReturnRequest
    from fieldapp.models.visits import Visit


class Channel(LabelledEnum):
    PHONE = "phone", _l("Phone")
    EMAIL = "email", _l("Email")
    CHAT = "chat", _l("Chat")
    WALK_IN = "walk_in", _l("Walk-in")
    WEB = "web", _l("Web form")
    QR = "qr", _l("QR code")

    @property
    def in_customers_words(self) -> bool:
        """The request's description is what the customer wrote (personal data, like their name),
        not a note the office typed."""
        return self in (Channel.EMAIL, Channel.CHAT, Channel.WEB, Channel.QR)


class CaseType(LabelledEnum):
    REPAIR = "repair", _l("Repair / fault")
    INSTALLATION = "installation", _l("Installation")
    MAINTENANCE = "maintenance", _l("Maintenance")
    QUESTION = "question", _l("Question / advice")
    RETURN = "return", _l("Return / refund")


class Priority(LabelledEnum):
    LOW = "low", _l("Low")
    NORMAL = "normal", _l("Normal")
    HIGH = "high", _l("High")
    URGENT = "urgent", _l("Urgent")


class CaseStatus(LabelledEnum):
    """Where a case stands. Only services.lifecycle changes it, along its transition table."""

    NEW = "new", _l("New")
    ASSESSING = "assessing", _l("Assessing")
    REMOTE_SUPPORT = "remote_support", _l("Remote support")
    VISIT_NEEDED = "visit_needed", _l("Visit needed")
    SCHEDULED = "scheduled", _l("Visit scheduled")
    IN_PROGRESS = "in_progress", _l("Visit in progress")
    WAITING_CUSTOMER = "waiting_customer", _l("Waiting for customer")
    WAITING_PARTS = "waiting_parts", _l("Waiting for parts")
    RESOLVED = "resolved", _l("Resolved")
    CLOSED = "closed", _l("Closed")
    CANCELLED = "cancelled", _l("Cancelled")
    REOPENED = "reopened", _l("Reopened")

    @property
    def is_open(self) -> bool:
        return self not in (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.CANCELLED)


OPEN_CASE_STATUSES = [s for s in CaseStatus if s.is_open]


class Case(db.Model):
    __tablename__ = "cases"
    # The maintenance planner proposes one case per product and due date, however often it runs.
    __table_args__ = (UniqueConstraint("asset_id", "maintenance_due_on", name="uq_cases_maintenance_due"),)

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
    assessment_category: Mapped[str | None] = mapped_column(String(80))
    # True while an attention item (below) is open: kept by services.lifecycle, so the queue can
    # sort on it in SQL.
    # No index: half the cases either way, it only lured SQLite into walking all of them for the queue.
    needs_attention: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_on: Mapped[date | None]  # the report's closure date
    # Set on cases the maintenance planner proposes: the due date they are for (indexed: the
    # planner reads the few planned ones by date).
    maintenance_due_on: Mapped[date | None] = mapped_column(index=True)
    # The first thing the office did about the case (service targets; kept by services.lifecycle).
    first_response_at: Mapped[datetime | None] = mapped_column(index=True)

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
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id"
    )
    attention_items: Mapped[list[AttentionItem]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="AttentionItem.id"
    )
    remote_sessions: Mapped[list[RemoteSupportSession]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="RemoteSupportSession.id"
    )
    return_requests: Mapped[list[ReturnRequest]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ReturnRequest.id"
    )

    @property
    def open_attention(self) -> list[AttentionItem]:
        return [item for item in self.attention_items if item.cleared_at is None]

    @property
    def attention_reason(self) -> str | None:
        """The open attention items' reasons in one line, for lists and the board."""
        return "; ".join(item.reason for item in self.open_attention) or None

    def __repr__(self) -> str:
        return f"<Case {self.number}>"


class CaseEvent(db.Model):
    """One line of a case's timeline: who did what, when; for status changes, from and to.
    Also the clock that service targets (SLAs) and reports read."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))  # see services.lifecycle.EVENT_LABELS
    from_status: Mapped[CaseStatus | None] = enum_column(CaseStatus, nullable=True)
    to_status: Mapped[CaseStatus | None] = enum_column(CaseStatus, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
    visit: Mapped[Visit | None] = relationship()


class AttentionItem(db.Model):
    """Something on a case a dispatcher must look at (a low rating, a complaint, a visit that
    could not be completed). Each is its own row, cleared with a note."""

    __tablename__ = "attention_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    clear_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="attention_items")
    cleared_by: Mapped[User | None] = relationship()


class RemoteSupportOutcome(LabelledEnum):
    SOLVED = "solved", _l("Solved remotely")
    NOT_SOLVED = "not_solved", _l("Not solved: a visit is needed")
    CUSTOMER_TO_TRY = "customer_to_try", _l("Customer will try and call back")


class RemoteSupportSession(db.Model):
    """One attempt to solve the problem without a visit (process step 3)."""

    __tablename__ = "remote_support_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = enum_column(Channel)
    steps: Mapped[str] = mapped_column(Text)
    outcome: Mapped[RemoteSupportOutcome] = enum_column(RemoteSupportOutcome)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="remote_sessions")
    user: Mapped[User | None] = relationship()


class FollowUpKind(LabelledEnum):
    CALL = "call", _l("Call")
    VISIT = "visit", _l("Return visit")
    EMAIL = "email", _l("Email")
    SURVEY = "survey", _l("Satisfaction survey")


class FollowUpSource(LabelledEnum):
    RECOMMENDATION = "recommendation", _l("Technician's recommendation")
    DISPATCHER = "dispatcher", _l("Dispatcher")
    SATISFACTION = "satisfaction", _l("Satisfaction call after a visit")


class FollowUp(db.Model):
    """Something to chase on a case: a call back, a return visit, a survey."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FollowUpKind] = enum_column(FollowUpKind)
    source: Mapped[FollowUpSource] = enum_column(FollowUpSource, default=FollowUpSource.DISPATCHER)
    # The visit it follows (a recommendation, a satisfaction call): one automatic call per visit.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="follow_ups")
    visit: Mapped[Visit | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ComplaintSource(LabelledEnum):
    ON_SITE_RATING = "on_site_rating", _l("On-site rating")
    QR_RATING = "qr_rating", _l("QR rating")
    OFFICE_RATING = "office_rating", _l("Rating taken by the office")
    SURVEY_RATING = "survey_rating", _l("Survey rating")
    PHONE = "phone", _l("Phone")
    EMAIL = "email", _l("Email")
    CHAT = "chat", _l("Chat")
    WEB = "web", _l("Web")
    QR_PAGE = "qr_page", _l("QR page")
    IN_PERSON = "in_person", _l("In person")


class Complaint(db.Model):
    """A complaint raised on a case, and how it was addressed."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source: Mapped[ComplaintSource] = enum_column(ComplaintSource)
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The visit complained about, when there is one (a rating's complaint).
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    # Who in the office handles it.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The case's attention item raised with it; cleared when the complaint is resolved.
    attention_item_id: Mapped[int | None] = mapped_column(ForeignKey("attention_items.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(Text)  # what was done
    customer_response: Mapped[str | None] = mapped_column(Text)  # what the customer said to it
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="complaints")
    visit: Mapped[Visit | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    attention_item: Mapped[AttentionItem | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class NumberSequence(db.Model):
    """Per-year counters for human case numbers; the row lock serialises concurrent takers."""

    __tablename__ = "number_sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
