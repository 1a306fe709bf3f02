"""Apply each write once: every capture form carries a UUID, recorded with the write.

A double tap or a retry after a timeout sends the same id again; the second time nothing is
applied and the caller answers with the current state instead.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import AppliedWrite, User
from fieldapp.orm import utcnow


def claim(client_id: str, action: str, user: User | None) -> bool:
    """Record `client_id`; False when it was applied before (then do nothing). `user` is None
    for a customer's form (the public pages)."""
    if db.session.get(AppliedWrite, client_id) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(AppliedWrite(client_id=client_id, action=action, user_id=user.id if user else None))
    except IntegrityError:  # a concurrent request with the same id won the race
        return False
    return True


def prune(older_than_days: int) -> int:
    """Forget write ids older than this: a retry never comes that late. Returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    return db.session.execute(delete(AppliedWrite).where(AppliedWrite.at < cutoff)).rowcount
