"""CSV files written while they download: rows in, UTF-8 bytes out, a chunk at a time.

RFC 4180 CSV from the standard `csv` module (comma, double quotes, CRLF between rows; a line
break inside a cell stays inside its quotes), a header row first. Every text cell is quoted, so
a spreadsheet whose list separator is `;` (Dutch and German settings) does not split a cell at a
`;` typed in it; numbers we write are bare, so every reader takes them for numbers. Dates are ISO 8601 days;
instants are ISO 8601 in the company's time zone with the offset (2026-03-01T09:30:00+01:00);
money comes as Decimal and is written as 12.50; None as an empty cell. For people, flags are
yes/no and an enum is its label, in the reader's language; for programs (`codes=True`, the
export's `keys=1`) flags are yes/no and an enum is its stored value, whatever the language.

CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula, so such TEXT gets a leading apostrophe: "=1+1" becomes "'=1+1".
Numbers we write ourselves are never touched.

No byte-order mark by default: CSV readers take the first header as it is written. Excel only
reads UTF-8 (an "é" in a name) when the file starts with a BOM, so `bom=True` adds one for it."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum

from flask_babel import gettext as _

from fieldapp import clock

# A formula start at the beginning of the text or of anything a reader may split it into.
_FORMULA_AFTER_SEPARATOR = re.compile(r"(?:^|[,;|\t\r\n])[=+\-@]")
_PIECES = re.compile(r"([,;|\t\r\n])")
# Digits with the signs, spaces and punctuation of numbers and phone numbers: no function names,
# no cell references, so nothing a spreadsheet could run.
_HARMLESS = re.compile(r"[+-]?[0-9][0-9 ().,/-]*")
BOM = "\ufeff"
CHUNK = 64 * 1024  # characters gathered before a piece goes to the client


def cell(value, tz: tzinfo, codes: bool = False) -> str | int | Decimal:
    """What the CSV holds for `value`."""
    return _converter(type(value), tz, codes)(value)


def _converter(kind: type, tz: tzinfo, codes: bool = False) -> Callable:
    if kind is type(None):
        return lambda value: ""
    if issubclass(kind, bool):
        if codes:
            return lambda value: "yes" if value else "no"
        yes, no = _("yes"), _("no")
        return lambda value: yes if value else no
    if issubclass(kind, (int, Decimal)):
        return lambda value: value
    if issubclass(kind, datetime):
        return lambda value: value.astimezone(tz).isoformat(timespec="seconds")
    if issubclass(kind, date):
        return date.isoformat
    if issubclass(kind, Enum):
        # Each label read once, not once a cell (a translated label is a catalog lookup).
        text = {member: member.value if codes else getattr(member, "label", member.value) for member in kind}
        return text.__getitem__
    return lambda value: neutralise(str(value))


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula (whole, or split at a separator), made plain text."""
    if _FORMULA_AFTER_SEPARATOR.search(text) is None:
        return text  # nearly every cell: one search
    pieces = _PIECES.split(text)  # text, separator, text, ...
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        if piece[:1] in ("=", "+", "-", "@") and not _HARMLESS.fullmatch(piece):
            pieces[index] = "'" + piece
    return "".join(pieces)


def stream(header: Iterable[str], rows: Iterable[tuple], bom: bool = False, codes: bool = False) -> Iterator[bytes]:
    """The CSV file, a chunk at a time: memory holds one chunk, whatever the number of rows."""
    tz = clock.zone()
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted, our numbers bare
    if bom:
        buffer.write(BOM)
    writer.writerow([neutralise(name) for name in header])
    # One converter per type, found once: a year of visits is a million cells.
    converters: dict[type, Callable] = {}

    def convert(value):
        kind = type(value)
        if kind not in converters:
            converters[kind] = _converter(kind, tz, codes)
        return converters[kind](value)

    for row in rows:
        writer.writerow([convert(value) for value in row])
        if buffer.tell() >= CHUNK:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8", "replace")
    buffer.seek(0)
    buffer.truncate()
    return data
