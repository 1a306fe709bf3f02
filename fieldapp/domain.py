"""The one error type services raise when a change cannot be made.

Services know nothing of HTTP: they say what kind of refusal it is, and the write path
(web/actions.py) maps the kind to a status in one place.
"""
from __future__ import annotations

from typing import Literal

Kind = Literal["invalid", "conflict", "not_found", "too_large", "throttled"]


class DomainError(Exception):
    """A refused change: the message for the user, the form field it concerns (or None), and
    its kind: "invalid" input, a "conflict" with the record's state, "not_found", "too_large",
    "throttled" (too many attempts: wait)."""

    def __init__(self, message: str, field: str | None = None, kind: Kind = "conflict",
                 errors: dict[str, str] | None = None):
        # Raised while answering a request: a lazy translation becomes text in its language here,
        # so joins, headers and JSON take it.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.kind = kind
        # Several fields at once (e.g. completing a visit with two things missing).
        self.errors = {name: str(text) for name, text in errors.items()} if errors else (
            {field: message} if field else {})
