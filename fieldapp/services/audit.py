"""Record who did what, when, on which record."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, User

PAGE_SIZE = 50


def record(action: str, entity, details: dict | None = None, user: User | None = None) -> AuditEvent:
    """Add an audit event for `entity` (a model instance), done by `user` (None: a customer or
    the system); flushed with the caller's transaction."""
    if entity.id is None:
        db.session.flush()
    event = AuditEvent(
        user_id=user.id if user else None,
        action=action,
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        details=details or None,
    )
    db.session.add(event)
    return event


def page_of_events(page: int) -> tuple[list[AuditEvent], int, int]:
    """The trail, newest first: one page of events, the number of pages, and of events."""
    total = db.session.scalar(select(func.count(AuditEvent.id)))
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return list(events), max(1, -(-total // PAGE_SIZE)), total
