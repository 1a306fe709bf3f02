"""What a valid value is, wherever it comes from (a URL, a form, a mail, an import).

Numbers: ASCII digits only and small enough for the database (str.isdigit() accepts "²", and
a 20-digit id overflows a 64-bit column). Tokens: what secrets.token_urlsafe() makes. Text: no
control characters (PostgreSQL refuses NUL outright), and on one line no bidi overrides.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

MAX_ID = 2**31 - 1
# Every date anyone types (a form, the API, an import) lies in these years: what the code later
# computes from a date (a day after it, a year of months after it) must stay a date.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
DATE_RANGE_MESSAGE = _l("Enter a date between %(earliest)s and %(latest)s.", earliest=EARLIEST_DATE.year,
                        latest=LATEST_DATE.year)
_NUMBER = re.compile(r"[0-9]{1,10}")
# What secrets.token_urlsafe() makes: URL-safe base64.
_URL_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Unicode control characters (category Cc is exactly U+0000-U+001F and U+007F-U+009F); multi-line
# text keeps tab, line feed and carriage return. Single-line text may not hold bidi overrides or
# isolates either: they make "SN-1\u202egnp.exe" read as something else.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_MESSAGE = _l("Remove the invisible control characters (such as NUL or a text direction mark).")


def parse_id(raw: str) -> int | None:
    if not _NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def is_url_token(raw: str) -> bool:
    return _URL_TOKEN.fullmatch(raw) is not None


def has_control_characters(text: str, multiline: bool = False) -> bool:
    return (_CONTROL_MULTILINE if multiline else _CONTROL_SINGLE_LINE).search(text) is not None


# An RFC 2047 encoded word ("=?utf-8?q?...?="): a mail program decodes it, so one typed into a
# subject or a name could carry line breaks past a check of the raw text (CVE-2024-6923).
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bq]\?", re.IGNORECASE)
HEADER_MESSAGE = _l("Write it as plain text on one line (no =?…?= mail encoding).")


def is_plain_header_text(text: str) -> bool:
    """Safe as a mail header's value (a subject, a name): one line, no encoded words."""
    return not has_control_characters(text) and _ENCODED_WORD.search(text) is None


def is_sensible_date(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE
