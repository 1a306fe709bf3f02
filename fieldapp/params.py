"""Numbers from URLs, parsed strictly: ASCII digits only and small enough for the database.
(str.isdigit() accepts "²", and a 20-digit id overflows a 64-bit column.)"""
from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"[0-9]{1,10}")


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


def page_arg(name: str = "page") -> int:
    """The ?page= number (default 1); anything else than a positive number is a 400."""
    raw = request.args.get(name, "1")
    page = parse_id(raw)
    if page is None:
        abort(400, "The page must be a positive number.")
    return page


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
