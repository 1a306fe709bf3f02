"""Jinja filters and globals: local times, money, versioned static URLs, `can`."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, url_for
from jinja2 import BytecodeCache
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock, formats, languages, money
from fieldapp.forms.fields import new_client_id
from fieldapp.forms.html import render_field
from fieldapp.web.auth import can


def fmt_time(dt: datetime | None) -> str:
    return formats.time_of_day(dt) if dt else ""


def fmt_datetime(dt: datetime | None) -> str:
    return formats.day_and_time(dt) if dt else ""


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_day(value)
    return clock.day_text(value)


def fmt_weekday_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return formats.weekday_day(clock.local_day(value) if isinstance(value, datetime) else value)


def duration(minutes: int | None) -> str:
    """Minutes as hours:minutes, e.g. 95 -> "1:35"."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


def span(value: timedelta | None) -> str:
    """A length of time for people: "35 min", "4 h 10 min", "2 d 3 h" (in their language)."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h", days=days, hours=hours) if hours else _("%(days)s d", days=days)
    if hours:
        return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes) if minutes else _("%(hours)s h", hours=hours)
    return _("%(minutes)s min", minutes=minutes)


@lru_cache(maxsize=256)
def _versioned(path: str, mtime_ns: int, filename: str, script_root: str) -> str:
    """Built once per file version and mount point: url_for costs more than the page's SQL."""
    version = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return url_for("static", filename=filename, v=version)


@lru_cache(maxsize=256)
def _deployed(folder: str, filename: str, script_root: str) -> str:
    """Outside debug mode the static files change only with a new deployment (a new process)."""
    path = Path(folder) / filename
    return _versioned(str(path), path.stat().st_mtime_ns, filename, script_root)


def static_url(filename: str) -> str:
    """A static URL carrying a content hash, so it can be cached for a year."""
    script_root = request.script_root if has_request_context() else ""
    if not current_app.debug:
        return _deployed(current_app.static_folder, filename, script_root)
    path = Path(current_app.static_folder) / filename  # `make run` with FLASK_DEBUG: edits show at once
    return _versioned(str(path), path.stat().st_mtime_ns, filename, script_root)


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept for the process, shared by every app it builds (the tests build
    hundreds; a server builds one per worker). Jinja checks each entry against its source's
    checksum, so an edited template is compiled again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


BYTECODE = ProcessBytecodeCache()


def service_kinds(visit) -> str:
    """The kinds of service of a visit in words: "Installation and Maintenance"."""
    return formats.and_list([kind.label for kind in visit.service_types])


def phone(stored: str | None) -> str:
    """A stored phone number as people read it: +31 6 12345678 (the company's country read once
    per request: a list shows many)."""
    from fieldapp.services import phones, settings
    if not stored or stored.lstrip().startswith("+"):
        return phones.readable(stored)  # no country needed
    if "phone_region" not in g:
        g.phone_region = settings.current().country
    return phones.readable(stored, g.phone_region)


def message_kinds() -> dict[str, str]:
    """Each kind of message to customers in words (an outbox row stores the kind's key)."""
    from fieldapp.services.message_texts import KINDS
    return {key: str(kind.label) for key, kind in KINDS.items()}


def init_app(app: Flask) -> None:
    app.jinja_env.bytecode_cache = BYTECODE
    app.jinja_env.filters.update(time=fmt_time, datetime=fmt_datetime, date=fmt_date, money=money.display,
                                 duration=duration, span=span,
                                 weekday=formats.weekday, weekday_day=fmt_weekday_day,
                                 number=formats.number, percent=formats.percent, service_kinds=service_kinds,
                                 phone=phone)
    app.jinja_env.globals.update(static_url=static_url, new_client_id=new_client_id, can=can,
                                 message_kinds=message_kinds,
                                 render_field=render_field, html_lang=languages.html_lang,
                                 current_language=languages.current_language,
                                 language_choices=languages.choices)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace folded, as extracted

    @app.context_processor
    def company():
        # The user itself, not Flask-Login's proxy: a page asks it a dozen times.
        return {"company_name": current_app.config["COMPANY_NAME"], "user": current_user._get_current_object()}
