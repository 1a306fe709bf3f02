"""Money: integer cents everywhere in the domain; parsed from and turned into text only here.

`parse` reads what people type ("12.50", "12,50", "€ 12.50"); `as_input` is the text a form
field starts with; `display` is what pages, reports and messages show; `as_decimal` is the
machine-readable value of the CSV exports.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask_babel import gettext as _

from fieldapp import formats, languages

MAX_CENTS = 10_000_000  # 100,000.00
MAX_TEXT = 40  # "€ 100 000,00" with room for spaces; longer is never an amount
# Digits, one decimal point, an optional sign: no exponents ("1e999999" overflows Decimal,
# "1E+249998" costs seconds of CPU) and no digits but ASCII ones.
_AMOUNT = re.compile(r"(?P<sign>[+-]?)(?P<units>[0-9]*)(?:\.(?P<decimals>[0-9]*))?")


class NotAnAmount(ValueError):
    """Why a text is not an amount, in words for the person who typed it."""


def parse(text: str | None) -> int | None:
    """Cents from typed text; None when nothing was typed (empty, or spaces)."""
    text = text or ""
    if len(text) > MAX_TEXT:
        raise NotAnAmount(_("Enter an amount like 12.50."))
    if not text.strip():
        return None
    # The currency written as people do: its code, its symbol here ("US$"), any currency sign ("$", "€").
    cleaned = "".join(text.split()).replace(formats.currency_symbol(), "").replace(languages.currency(), "")
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Sc")
    match = _AMOUNT.fullmatch(cleaned.replace(",", "."))
    if match is None or not (match["units"] or match["decimals"]):
        raise NotAnAmount(_("Enter an amount like 12.50."))
    decimals = match["decimals"] or ""
    if len(decimals) > 2:
        raise NotAnAmount(_("Enter an amount with at most two decimals, like 12.50."))
    units = match["units"].lstrip("0")
    if match["sign"] == "-" and (units or decimals.strip("0")):
        raise NotAnAmount(_("The amount cannot be negative."))
    # The range is checked on the text: no huge number is ever built.
    if len(units) > len(str(MAX_CENTS // 100)):
        raise NotAnAmount(_("That amount is too large."))
    cents = int(units or "0") * 100 + int(decimals.ljust(2, "0"))
    if cents > MAX_CENTS:
        raise NotAnAmount(_("That amount is too large."))
    return cents


def as_decimal(cents: int | None) -> Decimal | None:
    """12.50 for 1250 cents: exact, two decimals (scaleb: cheap enough for a million CSV cells)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def as_input(cents: int | None) -> str:
    """What a form field holding this amount starts with: "12.50"; "" for none."""
    return "" if cents is None else f"{as_decimal(cents)}"


def display(cents: int | None) -> str:
    """The amount for people in their language's format: "€1,234.50", "1.234,50 €"; "" for none."""
    if cents is None:
        return ""
    return formats.money(as_decimal(cents))
