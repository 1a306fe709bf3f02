"""Values from URLs, parsed strictly. Numbers: ASCII digits only and small enough for the database
(str.isdigit() accepts "²", and a 20-digit id overflows a 64-bit column). Text: no control
characters (PostgreSQL refuses NUL outright) and a bounded length."""
from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"[0-9]{1,10}")
# What secrets.token_urlsafe() makes: URL-safe base64.
_URL_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Unicode control characters (category Cc is exactly U+0000-U+001F and U+007F-U+009F); multi-line
# text keeps tab, line feed and carriage return. Single-line text may not hold bidi overrides or
# isolates either: they make "SN-1\u202egnp.exe" read as something else.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_MESSAGE = "Remove the invisible control characters (such as NUL or a text direction mark)."


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes: ids past what the database stores simply do not match (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def parse_id(raw: str) -> int | None:
    if not _NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def is_url_token(raw: str) -> bool:
    return _URL_TOKEN.fullmatch(raw) is not None


def has_control_characters(text: str, multiline: bool = False) -> bool:
    return (_CONTROL_MULTILINE if multiline else _CONTROL_SINGLE_LINE).search(text) is not None


def text_arg(name: str, max_length: int) -> str:
    """A ?name= text typed by someone (a search): stripped; too long or with control
    characters is a 400 that says so."""
    raw = request.args.get(name, "")
    if len(raw) > max_length:
        abort(400, f"Type at most {max_length} characters.")
    if has_control_characters(raw):
        abort(400, f"What you typed contains invisible control characters. {CONTROL_MESSAGE}")
    return raw.strip()


def page_arg(name: str = "page") -> int:
    """The ?page= number (default 1); anything else than a positive number is a 400."""
    raw = request.args.get(name, "1")
    page = parse_id(raw)
    if page is None:
        abort(400, "The page must be a positive number.")
    return page


def id_arg(name: str) -> int | None:
    """An optional ?name= record id (a paging anchor); anything but a positive number is a 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        abort(400, "That link is broken: the position in the list must be a positive number.")
    return value


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
