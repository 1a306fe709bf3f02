"""Server-side sign-in sessions: the cookie carries a random token naming one row here.

Deleting the row ends that session on the next request, wherever the cookie was copied to.
Signing out ends this browser's session; a password change, role change, deactivation or an
admin's "end all sessions" ends every session of the user.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from flask import current_app
from sqlalchemy import bindparam, delete, func, select

from fieldapp.extensions import db
from fieldapp.models import User, UserSession
from fieldapp.orm import utcnow

TOKEN_BYTES = 32  # 256 bits from secrets
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,64}")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, client: str | None, user_agent: str | None) -> str:
    """A new session for `user`; returns its token and sets it on the user for Flask-Login."""
    now = utcnow()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.created_at < now - lifetime))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), created_at=now,
                               client=(client or "")[:64] or None, user_agent=(user_agent or "")[:200] or None))
    user.session_token = token
    return token


# Built once: every request of a signed-in user runs it (building the statement cost more than running it).
_BY_TOKEN = (select(User, UserSession.handover_visit_id).join(UserSession, UserSession.user_id == User.id)
             .where(UserSession.token_hash == bindparam("token_hash"), UserSession.created_at > bindparam("since"),
                    User.active.is_(True)))


def load(token: str) -> User | None:
    """The active user whose unexpired session this token names, or None. The user carries the
    token and the session's hand-over lock (`handover_visit_id`, None when not handed over)."""
    if not _TOKEN.fullmatch(token):
        return None
    since = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    row = db.session.execute(_BY_TOKEN, {"token_hash": _hash(token), "since": since}).first()
    if row is None:
        return None
    user, locked_to = row
    user.session_token, user.handover_visit_id = token, locked_to
    return user


def _row(token: str | None) -> UserSession | None:
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def hand_over(token: str, visit_id: int) -> None:
    """Lock this session to the visit's rating screens: the customer holds the phone."""
    row = _row(token)
    if row is not None:
        row.handover_visit_id, row.handover_failures = visit_id, 0


def take_back(token: str) -> None:
    row = _row(token)
    if row is not None:
        row.handover_visit_id, row.handover_failures = None, 0


def count_failure(token: str) -> int:
    """One more wrong answer at the unlock screen; how many so far (kept on the server)."""
    row = _row(token)
    if row is None:
        return 0
    row.handover_failures += 1
    return row.handover_failures


def end(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all(user: User) -> int:
    """End every session of `user`; returns how many there were."""
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


def counts() -> dict[int, int]:
    """Open sessions per user id (expired rows are not counted)."""
    since = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    rows = db.session.execute(select(UserSession.user_id, func.count()).where(UserSession.created_at > since)
                              .group_by(UserSession.user_id))
    return {user_id: n for user_id, n in rows}
