"""Signing in with throttling of failed attempts, and managing staff accounts."""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _, ngettext
from sqlalchemy import and_, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import FailedLogin, Role, User
from fieldapp.orm import utcnow
from fieldapp.services import audit, sessions

MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = generate_password_hash("not a real password")


class SignInThrottled(DomainError):
    """Too many failed sign-ins lately: wait `retry_after_seconds` (nothing is recorded)."""

    def __init__(self, retry_after_seconds: int):
        self.retry_after_seconds = retry_after_seconds
        super().__init__(ngettext("Too many failed sign-ins. Wait %(num)d minute and try again, or ask your "
                                  "administrator to reset your password.",
                                  "Too many failed sign-ins. Wait %(num)d minutes and try again, or ask your "
                                  "administrator to reset your password.", self.minutes), kind="throttled")

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


@dataclass
class SignInResult:
    user: User | None

    @property
    def ok(self) -> bool:
        return self.user is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def sign_in(email: str, password: str, client: str, user_agent: str | None = None,
            previous_session: str | None = None) -> SignInResult:
    """Check the password and start a server-side session (ending `previous_session`, the one
    this browser had); refuse while too many recent failures for this account from this client,
    or from this client for any account. A failure is recorded: it is a result, not a refusal.

    Never per account alone: then anyone anywhere could lock the owner out by typing wrong
    passwords. Failures are stored in the database, so every worker and restart sees them.
    """
    email = normalise_email(email)
    now = utcnow()
    _raise_if_throttled(email, client, now)
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # same work as a real check: no user probing by timing
    if user is None or not user.active or not user.check_password(password):
        db.session.add(FailedLogin(email=email, client=client[:64], at=now, user_id=user.id if user else None))
        return SignInResult(None)
    db.session.execute(delete(FailedLogin).where(FailedLogin.email == email, FailedLogin.client == client[:64]))
    user.last_login_at = now
    audit.record("user.signed_in", user, user=user)
    sessions.end(previous_session)  # signing in over an old session ends it
    sessions.start(user, client, user_agent)
    return SignInResult(user)


def _raise_if_throttled(email: str, client: str, now: datetime) -> None:
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    since = now - window
    checks = (
        (and_(FailedLogin.email == email, FailedLogin.client == client[:64]), current_app.config["LOGIN_MAX_FAILURES"]),
        (FailedLogin.client == client[:64], current_app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]),
    )
    for condition, limit in checks:
        count, oldest = db.session.execute(
            select(func.count(FailedLogin.id), func.min(FailedLogin.at)).where(condition, FailedLogin.at > since)
        ).one()
        if count >= limit:
            retry = (oldest + window - now).total_seconds()
            raise SignInThrottled(max(1, int(retry)))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.name)))


def create_user(email: str, name: str, role: Role, password: str, phone: str | None = None,
                created_by: User | None = None) -> User:
    email = normalise_email(email)
    if find_user(email) is not None:
        raise DomainError(_("A user with this email already exists."), "email", "invalid")
    _check_new_password(password)
    user = User(email=email, name=name.strip(), role=role, phone=(phone or "").strip() or None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, {"role": role.value}, user=created_by)
    return user


def set_active(user: User, active: bool, by: User) -> None:
    if user.id == by.id and not active:
        raise DomainError(_("You cannot deactivate your own account."), "active")
    if user.active != active:
        user.active = active
        if not active:
            sessions.end_all(user)
        audit.record("user.activated" if active else "user.deactivated", user, user=by)


def set_profile(user: User, job_title: str | None, phone: str | None, by: User) -> None:
    """The job title and phone the report prints for the person (the admin's to change)."""
    changed = {name: value for name, value in (("job_title", job_title), ("phone", phone))
               if getattr(user, name) != value}
    if changed:
        audit.record("user.profile_changed", user, changed, user=by)
        user.job_title, user.phone = job_title, phone


def set_own_phone(user: User, phone: str | None) -> None:
    if user.phone != phone:
        audit.record("user.phone_changed", user, {"phone": phone}, user=user)
        user.phone = phone


def set_role(user: User, role: Role, by: User) -> None:
    """A new role takes effect at once: the user signs in again with it."""
    if user.id == by.id and role is not user.role:
        raise DomainError(_("You cannot change your own role; ask another administrator."), "role")
    if user.role is not role:
        audit.record("user.role_changed", user, {"from": user.role.value, "to": role.value}, user=by)
        user.role = role
        sessions.end_all(user)


def _check_new_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("The password needs at least %(num)s characters.", num=MIN_PASSWORD_LENGTH), field,
                          "invalid")


def change_password(user: User, current: str, new: str, client: str | None = None,
                    user_agent: str | None = None) -> User:
    """The user's own change: every session ends, and a new one starts for this browser."""
    if not user.check_password(current):
        raise DomainError(_("That is not your current password."), "current_password", "invalid")
    _check_new_password(new, "new_password")
    user.set_password(new)
    sessions.end_all(user)
    audit.record("user.password_changed", user, user=user)
    sessions.start(user, client, user_agent)
    return user


def set_language(user: User, language: str | None) -> None:
    """The language of the user's own pages: one of ours, or None for the company's."""
    if language is not None and languages.valid(language) is None:
        raise DomainError(_("Choose one of the languages in the list."), "language", "invalid")
    if user.language != language:
        audit.record("user.language_changed", user, {"from": user.language, "to": language}, user=user)
        user.language = language


def reset_password(user: User, new: str, by: User) -> None:
    """An administrator sets a new password: every session of the user ends."""
    _check_new_password(new)
    user.set_password(new)
    sessions.end_all(user)
    audit.record("user.password_reset", user, user=by)


def end_sessions(user: User, by: User) -> int:
    ended = sessions.end_all(user)
    audit.record("user.sessions_ended", user, {"sessions": ended}, user=by)
    return ended


PIN_VERIFIER_ITERATIONS = 300_000  # PBKDF2-SHA256: about half a second on a cheap phone's WebCrypto


def pin_verifier(pin: str) -> str:
    """How a phone checks the PIN without signal: "pbkdf2-sha256$iterations$salt$key" (hex)."""
    salt = secrets.token_bytes(16)
    key = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PIN_VERIFIER_ITERATIONS)
    return f"pbkdf2-sha256${PIN_VERIFIER_ITERATIONS}${salt.hex()}${key.hex()}"


def set_pin(user: User, pin: str | None) -> None:
    user.set_pin(pin)
    user.pin_verifier = pin_verifier(pin) if pin else None
    audit.record("user.pin_set" if pin else "user.pin_removed", user, user=user)


HANDOVER_UNLOCK_ATTEMPTS = 5  # then the session ends: the phone is not the technician's any more


def take_phone_back(user: User, secret: str) -> int | None:
    """The technician's password or PIN after a hand-over: None when it is right (the lock goes),
    else how many wrong answers so far, counted on the server-side session. At
    HANDOVER_UNLOCK_ATTEMPTS the session ends (recorded)."""
    if user.check_password(secret) or user.check_pin(secret):
        sessions.take_back(user.session_token)
        return None
    failures = sessions.count_failure(user.session_token)
    if failures >= HANDOVER_UNLOCK_ATTEMPTS:
        audit.record("user.handover_unlock_failed", user, user=user)
        sessions.end(user.session_token)
    return failures


def sign_out(user: User) -> None:
    """This browser's session ends (recorded); the user's other sessions go on."""
    audit.record("user.signed_out", user, user=user)
    sessions.end(user.session_token)
