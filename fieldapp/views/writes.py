"""The one write path: every state-changing view goes through `perform`.

Validate the form, claim its write id (a double tap or a retry is applied once), call the
service, commit once on success, roll back on a refusal. Services raise `DomainError`; its
kind becomes an HTTP status here and nowhere else, and its message lands on the form field it
names (or the form's own errors), so the page re-renders with everything the user typed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, g, request
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldapp import database
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.services import idempotency, offline

STATUS = {"invalid": 422, "conflict": 409, "not_found": 404, "too_large": 413}
T = TypeVar("T")


class Refusal:
    """Why a write did not happen: the status, a summary message, and the messages per field
    (already placed on the submitted form where it has such a field)."""

    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None, on_form: bool = False,
                 invalid_form: bool = False):
        self.status = status
        self.message = message
        self.errors = errors or {}
        self.on_form = on_form  # the submitted form shows it at its fields already
        self.invalid_form = invalid_form  # the form itself did not validate (the service never ran)

    @property
    def elsewhere(self) -> str | None:
        """The message, when no field of the submitted form shows it."""
        return None if self.on_form else self.message


def perform(form: FlaskForm, apply: Callable[[], T], done: Callable[[T | None], Response],
            refused: Callable[[Refusal], Response | tuple], action: str | None = None) -> Any:
    """Run one write. `apply` calls the service; `done(result)` answers success (result is None
    when the write id was applied before); `refused(refusal)` re-renders with the form."""
    if not form.validate_on_submit():
        g.refusal_message = _summary(form)
        return refused(Refusal(422, "Check the highlighted fields.", on_form=True, invalid_form=True))
    client_id = getattr(form, "client_id", None)
    user = current_user if current_user.is_authenticated else None
    if client_id is not None and not idempotency.claim(client_id.data, action or "write", user):
        return done(None)
    try:
        result = apply()
    except DomainError as error:
        db.session.rollback()
        g.refusal_message = " ".join([error.message, *(m for m in error.errors.values() if m != error.message)])
        return refused(Refusal(STATUS[error.kind], error.message, error.errors, _place(form, error)))
    if user is not None and request.headers.get("X-FieldApp-Queued") == "1":
        offline.mark_synced(user)  # the phone's queue got through: the board shows when
    db.session.commit()
    database.reads_only_from_here()  # the answer renders without holding SQLite's write lock
    return done(result)


def _place(form: FlaskForm, error: DomainError) -> bool:
    """Put the error's messages on the submitted form's fields they name; True if any was."""
    placed = False
    for name, message in error.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
            placed = True
    return placed


def _summary(form: FlaskForm) -> str:
    """The form's errors in one line, for a client that has no page to show them on (the
    offline queue: views/offline.py sends it as a header)."""
    parts = []
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form and form[name].label else ""
        parts += [f"{label}: {message}" if label else message for message in errors]
    return " ".join(parts) or "Check the highlighted fields."
