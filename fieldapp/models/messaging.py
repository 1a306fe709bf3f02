"""What keeping the customer informed needs on the record: the links a customer answers by (one
purpose each, no login), the message templates the admin rewrote, and a customer's channels."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow


def new_link_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


class LinkPurpose(LabelledEnum):
    STATUS = "status", _l("Status page")
    VISIT = "visit", _l("Confirm, move or cancel a visit")
    SURVEY = "survey", _l("Satisfaction survey")
    UNSUBSCRIBE = "unsubscribe", _l("Unsubscribe")


class ContactBy(LabelledEnum):
    """How a customer wants to hear from us about their requests and visits."""

    EMAIL = "email", _l("Email")
    TEXT = "text", _l("Text message")
    BOTH = "both", _l("Email and text message")
    NONE = "none", _l("No messages")

    @property
    def email(self) -> bool:
        return self in (ContactBy.EMAIL, ContactBy.BOTH)

    @property
    def text(self) -> bool:
        return self in (ContactBy.TEXT, ContactBy.BOTH)


class CustomerLink(db.Model):
    """A link sent to a customer: its token opens one page for one purpose (the case's status, a
    visit's confirm/move/cancel, a visit's survey, unsubscribing). It stops working when what it
    is about is over (services.customer_links says when), or when staff revoke it."""

    __tablename__ = "customer_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_link_token)
    purpose: Mapped[LinkPurpose] = enum_column(LinkPurpose)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    # Where an unsubscribe link stops messages when there is no customer record: the address.
    address: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]  # a survey answered, an unsubscribe done

    case = relationship("Case")
    visit = relationship("Visit")
    customer = relationship("Customer")


class MessageTemplate(db.Model):
    """A message to customers as the admin rewrote it, for one language; without a row the
    built-in text (services.message_texts) in that language is used."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("kind", "language", name="one_template_per_kind_and_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the email
    text: Mapped[str] = mapped_column(Text)  # the text message: short
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class OptedOut(db.Model):
    """An address or number that unsubscribed while no customer record held it (a request from a
    QR label): non-essential messages to it stop."""

    __tablename__ = "opted_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseMessage(db.Model):
    """A message on a case from the customer (the status page's box), with an optional photo; it
    raises an attention item for the office."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    photo_name: Mapped[str | None] = mapped_column(String(80), unique=True)  # re-encoded, server-named
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case = relationship("Case")

    @property
    def thumb_name(self) -> str | None:
        return self.photo_name.replace(".jpg", ".thumb.jpg") if self.photo_name else None
