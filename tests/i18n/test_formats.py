"""Money, dates, times and numbers as each language writes them (Babel's CLDR data)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from fieldapp import formats, languages, money
from fieldapp.extensions import db
from fieldapp.models import CompanySettings

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("code, amount, day, weekday, moment, share", [
    ("en", "€1,234.50", "15 Jan 2026", "Thu 15 Jan", "Thu, 15 Jan 2026, 14:30", "88%"),
    ("nl", f"€{NBSP}1.234,50", "15 jan 2026", "do 15 jan", "do 15 jan 2026, 14:30", "88%"),
    ("de", f"1.234,50{NBSP}€", "15.01.2026", "Do., 15. Jan.", "Do., 15. Jan. 2026, 14:30", f"88{NBSP}%"),
    ("es", f"1.234,50{NBSP}€", "15 ene 2026", "jue, 15 ene", "jue, 15 ene 2026, 14:30", f"88{NBSP}%"),
    ("zh_Hans", "€1,234.50", "2026年1月15日", "1月15日周四", "2026年1月15日周四 14:30", "88%"),
])
def test_each_language_writes_money_and_dates_its_own_way(app, code, amount, day, weekday, moment, share):
    with app.test_request_context(f"/login?lang={code}"):
        assert money.display(123450) == amount
        assert formats.day(date(2026, 1, 15)) == day
        assert formats.weekday_day(date(2026, 1, 15)) == weekday
        # 13:30 UTC is 14:30 on the company's clock (Amsterdam, winter).
        assert formats.day_and_time(datetime(2026, 1, 15, 13, 30, tzinfo=timezone.utc)) == moment
        assert formats.percent(0.875) == share


@pytest.fixture
def in_dollars(app):
    """The company bills in US dollars."""
    with app.app_context():
        db.session.merge(CompanySettings(id=1, currency="USD"))
        db.session.commit()
    languages.forget_company_defaults()
    yield app
    languages.forget_company_defaults()


def test_money_follows_the_company_currency(in_dollars):
    with in_dollars.test_request_context("/login?lang=en"):
        assert money.display(1250) == "US$12.50"
    with in_dollars.test_request_context("/login?lang=de"):
        assert money.display(1250) == f"12,50{NBSP}$"


def test_amounts_are_still_typed_either_way(app):
    with app.test_request_context("/login?lang=de"):
        assert money.parse("12,50 €") == money.parse("€ 12.50") == 1250


def test_an_amount_typed_with_the_currency_sign_of_the_company_is_read(in_dollars):
    with in_dollars.test_request_context("/login?lang=en"):
        assert money.parse("$12.50") == money.parse("US$ 12.50") == money.parse("12.50 USD") == 1250
