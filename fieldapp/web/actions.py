"""The one action runner: every state change the web layer makes goes through `act`.

One write, end to end: validate the submitted form → claim its write id (a double tap or a
retry is applied once) → call the service → commit once, or roll back on any error → run what
must happen after the commit (sending the mail it queued; later texts and webhooks) → answer.
Services raise `DomainError`; its kind becomes an HTTP status here and nowhere else, and its
messages land on the fields of the submitted form they name, so the page comes back with
everything the user typed.

The answer is chosen by what was acted on (`Answer`, usually a section of a page: see
web/sections.py): a 303 to the page, the section's fragment for htmx, or the page again with
the refused form in its place. Views declare the form, the change and the answer; they never
commit, roll back or look at htmx headers themselves.

A GET never writes, with one documented exception: `record_on_read`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from flask import Response, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldapp import database
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.services import idempotency, offline
from fieldapp.web import phone

log = logging.getLogger(__name__)
STATUS = {"invalid": 422, "conflict": 409, "not_found": 404, "too_large": 413, "throttled": 429}
CHECK_FIELDS = _l("Check the highlighted fields.")
T = TypeVar("T")

# What runs once a write is committed (sending the mail it queued, ...): registered at start-up.
_after_commit: list[Callable[[], None]] = []


def after_commit(effect: Callable[[], None]) -> Callable[[], None]:
    """Register an effect to run after every committed write (it must never raise)."""
    if effect not in _after_commit:
        _after_commit.append(effect)
    return effect


@dataclass
class Refused:
    """Why a write did not happen, and the submitted form that goes back where it was.

    `slot` names the form on its page (e.g. "assess", ("follow-up", 12)): a section's builder
    asks `refused.form_in(slot)` and shows the submitted form instead of a fresh one."""

    status: int
    message: str
    form: FlaskForm
    slot: Hashable | None = None
    errors: dict[str, str] = field(default_factory=dict)
    on_form: bool = False  # the submitted form shows the message at its fields already
    invalid_form: bool = False  # the form itself did not validate: the service never ran
    error: DomainError | None = None  # the service's refusal, with what it carries (clashes, duplicates)

    @property
    def elsewhere(self) -> str | None:
        """The message, when no field of the submitted form shows it."""
        return None if self.on_form else self.message

    def form_in(self, slot: Hashable) -> FlaskForm | None:
        """The submitted form if it belongs in `slot`, else None (show a fresh one)."""
        return self.form if slot == self.slot else None


def form_in(refused: Refused | None, slot: Hashable) -> FlaskForm | None:
    return refused.form_in(slot) if refused is not None else None


class Answer(Protocol):
    def success(self, result: Any) -> Response | tuple: ...

    def refusal(self, refused: Refused) -> Response | tuple: ...


def act(form: FlaskForm, change: Callable[[], T], answer: Answer, slot: Hashable | None = None,
        first: Callable[[], None] | None = None) -> Any:
    """Run one write and answer it. `change` calls the service and returns its result;
    `answer.success(result)` gets None when the write id was applied before. `first` checks
    the record's state before the form is even read (a visit cancelled meanwhile: whatever was
    typed into its form, the answer is that it can no longer change)."""
    if first is not None:
        try:
            first()
        except DomainError as error:
            db.session.rollback()
            g.refusal_message = error.message
            return answer.refusal(Refused(STATUS[error.kind], error.message, form, slot, error=error))
    if not form.validate_on_submit():
        g.refusal_message = _summary(form)
        return answer.refusal(Refused(422, str(CHECK_FIELDS), form, slot, on_form=True, invalid_form=True))
    client_id = getattr(form, "client_id", None)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        if client_id is not None and not idempotency.claim(client_id.data, request.endpoint or "write", user):
            db.session.rollback()
            return answer.success(None)
        result = change()
        if user is not None and phone.is_queued_change():
            offline.mark_synced(user)  # the phone's queue got through: the board shows when
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        g.refusal_message = " ".join([error.message, *(m for m in error.errors.values() if m != error.message)])
        return answer.refusal(Refused(STATUS[error.kind], error.message, form, slot, error.errors,
                                      _place(form, error), error=error))
    except BaseException:
        db.session.rollback()
        raise
    _run_after_commit()
    database.reads_only_from_here()  # the answer renders without holding SQLite's write lock
    return answer.success(result)


def record_on_read(change: Callable[[], None]) -> None:
    """The one exception to "a GET never writes": something recorded because a page was read
    (a phone's last sync, when it fetches its offline plan). The read ends first, so the write
    lock is held only for the write; a failure is logged, never shown (the page was read)."""
    db.session.commit()
    database.writes_from_here()
    try:
        change()
        db.session.commit()
    except Exception:  # e.g. the database busy past its timeout: the next read records it
        db.session.rollback()
        log.exception("recording a read failed")


def discard() -> None:
    """Nothing of a failed request is kept (the error pages call this before they render)."""
    db.session.rollback()


def _run_after_commit() -> None:
    for effect in _after_commit:
        effect()


def _place(form: FlaskForm, error: DomainError) -> bool:
    """Put the error's messages on the submitted form's fields they name; True if any was."""
    placed = False
    for name, message in error.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
            placed = True
    return placed


def _summary(form: FlaskForm) -> str:
    """The form's errors in one line, for a client with no page to show them on (the phone's
    queue: web/phone.py sends it as a header)."""
    parts = []
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form and form[name].label else ""
        parts += [f"{label}: {message}" if label else str(message) for message in errors]
    return " ".join(parts) or str(CHECK_FIELDS)
