"""Dates, times, numbers and money as people of the page's language read them (Babel, CLDR).

Pages, reports, mails and texts ask here; CSV exports and form fields never do (they keep
machine-readable values: ISO dates, 12.50).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates, lists, numbers

from fieldapp import clock
from fieldapp.languages import current_locale, currency


def day(value: date) -> str:
    """15 Jan 2026 · 15 jan 2026 · 15.01.2026 · 2026年1月15日"""
    return dates.format_date(value, "medium", locale=current_locale())


def and_list(items: list[str]) -> str:
    """Installation and Maintenance · Installatie en Onderhoud · 安装和维护"""
    return lists.format_list([str(item) for item in items], locale=current_locale()) if items else ""


def weekday_day(value: date) -> str:
    """A day of a list of days: Thu 15 Jan · do 15 jan · 1月15日周四"""
    return dates.format_skeleton("MMMEd", value, locale=current_locale())


def weekday(value: date) -> str:
    """Thursday · donderdag · 星期四"""
    return dates.format_date(value, "EEEE", locale=current_locale())


def time_of_day(moment: datetime) -> str:
    """14:30, on the company's clock."""
    locale = current_locale()
    if _short_time(str(locale)) == "HH:mm":  # every shipped language: a board shows hundreds
        return f"{clock.local(moment):%H:%M}"
    return dates.format_time(clock.local(moment), "short", locale=locale)


@lru_cache(maxsize=64)
def _short_time(locale: str) -> str:
    return dates.get_time_format("short", locale=locale).pattern


def day_and_time(moment: datetime) -> str:
    """Thu, 15 Jan 2026, 14:30, on the company's clock."""
    locale = current_locale()
    local = clock.local(moment)
    glue = dates.get_datetime_format("medium", locale=locale)
    return (glue.replace("{1}", dates.format_skeleton("yMMMEd", local, locale=locale))
            .replace("{0}", dates.format_time(local, "short", locale=locale)))


def number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """1,234 · 1.234 · with this many decimals when given (4.5 · 4,5)."""
    if decimals is None:
        return numbers.format_decimal(value, locale=current_locale())
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=current_locale(), decimal_quantization=True)


def percent(share: float) -> str:
    """0.875 -> 88% · 88 %"""
    return numbers.format_percent(share, locale=current_locale())


def money(amount: Decimal) -> str:
    """€1,234.50 · € 1.234,50 · 1.234,50 € in the company's currency."""
    locale, code = current_locale(), currency()
    shape = _money_shape(str(locale), code)
    if shape is None or amount < 0:
        return numbers.format_currency(amount, code, locale=locale)
    before, after, group, decimal = shape
    digits = f"{amount:,.2f}".replace(",", "\x00").replace(".", decimal).replace("\x00", group)
    return before + digits + after


@lru_cache(maxsize=128)
def _money_shape(locale: str, code: str) -> tuple[str, str, str, str] | None:
    """What Babel writes around and between the digits of an amount with cents (a page shows
    dozens; Babel works the pattern out anew each time). None for a currency without cents."""
    sample = numbers.format_currency(Decimal("1234567.89"), code, locale=locale)
    found = re.search(r"1(\D?)234\1567(\D)89", sample)
    if found is None or "\x00" in sample:
        return None
    return sample[:found.start()], sample[found.end():], found.group(1), found.group(2)


def currency_symbol() -> str:
    return numbers.get_currency_symbol(currency(), locale=current_locale())
