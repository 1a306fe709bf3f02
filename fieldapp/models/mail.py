"""Messages waiting to go out (email and text), and what became of each: a failed send is retried
and shown, never lost; a send interrupted half-way is never repeated on its own."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow


class MailStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting to send")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed, gave up")


class MessageChannel(LabelledEnum):
    EMAIL = "email", _l("Email")
    TEXT = "text", _l("Text message")


class OutboundMail(db.Model):
    __tablename__ = "outbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "report", "answer", "visit_booked", ...
    channel: Mapped[MessageChannel] = enum_column(MessageChannel, default=MessageChannel.EMAIL,
                                                  server_default="email")
    to_address: Mapped[str] = mapped_column(String(254))  # an email address, or a number in E.164
    # One message per event, recipient and channel: a second try to write it finds this taken.
    event_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Non-essential messages carry a one-click unsubscribe link (RFC 8058 headers on email).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(300))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[MailStatus] = enum_column(MailStatus, default=MailStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
