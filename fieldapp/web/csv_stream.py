"""CSV files written while they download: rows in, UTF-8 bytes out, a chunk at a time.

RFC 4180 CSV from the standard `csv` module (comma, double quotes, CRLF between rows; a line
break inside a cell stays inside its quotes), a header row first. Dates are ISO 8601 days;
instants are ISO 8601 in the company's time zone with the offset (2026-03-01T09:30:00+01:00);
money comes as Decimal and is written as 12.50; yes/no for flags; an enum by its label; None as
an empty cell.

CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula, so such TEXT gets a leading apostrophe: "=1+1" becomes "'=1+1".
Numbers we write ourselves are never touched.

No byte-order mark by default: CSV readers take the first header as it is written. Excel only
reads UTF-8 (an "é" in a name) when the file starts with a BOM, so `bom=True` adds one for it."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum

from fieldapp import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK = 64 * 1024  # characters gathered before a piece goes to the client


def cell(value, tz: tzinfo) -> str | int | Decimal:
    """What the CSV holds for `value`."""
    return _converter(type(value), tz)(value)


def _converter(kind: type, tz: tzinfo) -> Callable:
    if kind is type(None):
        return lambda value: ""
    if issubclass(kind, bool):
        return lambda value: "yes" if value else "no"
    if issubclass(kind, (int, Decimal)):
        return lambda value: value
    if issubclass(kind, datetime):
        return lambda value: value.astimezone(tz).isoformat(timespec="seconds")
    if issubclass(kind, date):
        return date.isoformat
    if issubclass(kind, Enum):
        return lambda value: getattr(value, "label", value.value)
    return lambda value: neutralise(str(value))


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula, made plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream(header: Iterable[str], rows: Iterable[tuple], bom: bool = False) -> Iterator[bytes]:
    """The CSV file, a chunk at a time: memory holds one chunk, whatever the number of rows."""
    tz = clock.zone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow([neutralise(name) for name in header])
    # One converter per type, found once: a year of visits is a million cells.
    converters: dict[type, Callable] = {}

    def convert(value):
        kind = type(value)
        if kind not in converters:
            converters[kind] = _converter(kind, tz)
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
