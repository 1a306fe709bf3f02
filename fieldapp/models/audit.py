"""Audit trail: who did what, when, on which record."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import utcnow

if TYPE_CHECKING:
    from fieldapp.models.people import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)  # one record's history

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))  # e.g. "visit.arrived", "user.created"
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    details: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class AppliedWrite(db.Model):
    """A write the server has applied, by the id its form carried: a double tap or a retry
    with the same id is recognised and applied only once."""

    __tablename__ = "applied_writes"

    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
