"""Record who did what, when, on which record."""
from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, User


def record(action: str, entity, details: dict | None = None, user: User | None = None) -> AuditEvent:
    """Add an audit event for `entity` (a model instance); flushed with the caller's transaction."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
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
