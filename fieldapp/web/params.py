"""Values from URLs, parsed strictly (the rules are fieldapp/values.py's): a wrong one is a 400
that says what is wrong, never a 500 or a query with a value the database cannot hold."""
from __future__ import annotations

import re
from datetime import date

from flask import Flask, abort, request
from flask_babel import gettext as _, ngettext
from werkzeug.routing import IntegerConverter

from fieldapp.values import MAX_ID, has_control_characters, parse_id

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes: ids past what the database stores simply do not match (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def text_arg(name: str, max_length: int) -> str:
    """A ?name= text typed by someone (a search): stripped; too long or with control
    characters is a 400 that says so."""
    raw = request.args.get(name, "")
    if len(raw) > max_length:
        abort(400, ngettext("Type at most %(num)d character.", "Type at most %(num)d characters.", max_length))
    if has_control_characters(raw):
        abort(400, _("What you typed contains invisible control characters. Remove the invisible control "
                     "characters (such as NUL or a text direction mark)."))
    return raw.strip()


def page_arg(name: str = "page") -> int:
    """The ?page= number (default 1); anything else than a positive number is a 400."""
    raw = request.args.get(name, "1")
    page = parse_id(raw)
    if page is None:
        abort(400, _("The page must be a positive number."))
    return page


def id_arg(name: str, message: str | None = None) -> int | None:
    """An optional ?name= record id; anything but a positive number is a 400 with `message`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        abort(400, message or _("That link is broken: the position in the list must be a positive number."))
    return value


def choice_arg(name: str, choices, message: str, default: str = ""):
    """?name= one of `choices` (a container of strings), `default` when absent; else a 400."""
    raw = request.args.get(name, "") or default
    if raw not in choices:
        abort(400, message)
    return raw


def enum_arg(name: str, enum_cls, message: str | None = None):
    """?name= a value of `enum_cls`, or None when absent; anything else is a 400."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        abort(400, message or _unknown(name))


def day_arg(name: str, default: date, message: str, around: date | None = None, within_days: int | None = None,
            not_a_day: str | None = None) -> date:
    """?name= a day written YYYY-MM-DD (`default` when absent); with `within_days`, no further
    than that from `around`. Anything else is a 400 with `message` (`not_a_day` for a day of the
    right shape that is not in the calendar, like 2026-02-30)."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not _DAY.fullmatch(raw):
        abort(400, message)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, not_a_day or message)
    if within_days is not None and abs((day - (around or default)).days) > within_days:
        abort(400, ngettext("Pick a day within %(num)d day of today.", "Pick a day within %(num)d days of today.",
                            within_days))
    return day


def _unknown(name: str) -> str:
    """The refusal of a ?name= that is none of its enum's values, one whole sentence per filter."""
    known = {
        "status": _("Unknown status: choose one from the list."),
        "priority": _("Unknown priority: choose one from the list."),
        "channel": _("Unknown channel: choose one from the list."),
        "kind": _("Unknown kind: choose one from the list."),
    }
    return known.get(name) or _("Unknown value of %(name)s: choose one from the list.", name=name)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
