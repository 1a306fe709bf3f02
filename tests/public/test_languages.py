"""The public pages' language: the browser's Accept-Language, the switcher's ?lang= (then kept in a
cookie), the company's default; nothing a visitor sends can break a page or pick a language we
do not have."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
from flask_babel import gettext

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import CompanySettings, Outcome, Role, VisitStatus


@pytest.fixture
def asset(make):
    return make.asset(product_model=make.product_model(name="ThermaHeat HP-9"))


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def switcher(html: str) -> dict[str, str]:
    """The switcher's links: language tag -> href."""
    nav = re.search(r'<nav class="nav languages"[^>]*>(.*?)</nav>', html, re.DOTALL)
    assert nav, "no language switcher on the page"
    return {lang: unescape(href) for href, lang in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav.group(1))}


def current(html: str) -> list[str]:
    nav = re.search(r'<nav class="nav languages"[^>]*>(.*?)</nav>', html, re.DOTALL).group(1)
    return re.findall(r'lang="([^"]+)" hreflang="[^"]+" aria-current="page"', nav)


def in_german(app, text: str) -> str:
    """The text as the German catalog has it (the English text while nobody has translated it)."""
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        return gettext(text)


def test_the_browser_s_language_is_spoken_and_the_switcher_offers_every_language(app, client, asset):
    response = client.get(f"/a/{asset.qr_token}", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200 and html_lang(html) == "de"
    assert in_german(app, "Request service") in html and in_german(app, "Warranty") in html
    links = switcher(html)
    assert set(links) == {code.replace("_", "-") for code in languages.LANGUAGES}
    assert links["nl"] == f"/a/{asset.qr_token}?lang=nl" and links["zh-Hans"] == f"/a/{asset.qr_token}?lang=zh_Hans"
    assert current(html) == ["de"]
    assert f'aria-label="{in_german(app, "Language")}"' in html
    for code, name in languages.LANGUAGES.items():  # each language named in itself
        assert f'lang="{code.replace("_", "-")}" hreflang="{code.replace("_", "-")}"' in html and f">{name}</a>" in html
    assert "Accept-Language" in response.headers["Vary"]


def test_the_switcher_keeps_the_page_s_other_arguments_but_never_url_for_s_own(client, asset):
    html = client.get(f"/a/{asset.qr_token}?from=label&lang=nl&_external=1&_scheme=javascript&_anchor=x"
                      ).get_data(as_text=True)

    links = switcher(html)
    assert links["de"] == f"/a/{asset.qr_token}?from=label&lang=de"
    assert all(href.startswith(f"/a/{asset.qr_token}?") and "javascript" not in href and "#" not in href
               for href in links.values())
    assert current(html) == ["nl"]


def test_lang_is_remembered_in_a_cookie_for_the_next_pages(client, make, asset):
    first = client.get(f"/a/{asset.qr_token}?lang=nl")
    assert html_lang(first.get_data(as_text=True)) == "nl"
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("lang=nl;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    # no ?lang= from here on, and a browser asking for German: the visitor's choice wins
    for url in (f"/a/{asset.qr_token}", f"/a/{asset.qr_token}/rate", "/request/"):
        html = client.get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
        assert html_lang(html) == "nl", url
        assert current(html) == ["nl"]

    # switching again replaces the choice
    client.get(f"/a/{asset.qr_token}?lang=es")
    assert html_lang(client.get(f"/a/{asset.qr_token}").get_data(as_text=True)) == "es"


def test_every_public_page_has_the_switcher(client, make, asset):
    done = datetime.now(timezone.utc) - timedelta(days=1)
    make.visit(make.user(Role.TECHNICIAN), make.case(asset=asset), start=done - timedelta(hours=2),
               status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED, arrived_at=done - timedelta(hours=1),
               completed_at=done)
    token = asset.qr_token
    assert switcher(client.get(f"/a/{token}/rate?lang=de").get_data(as_text=True))["nl"] == f"/a/{token}/rate?lang=nl"
    assert switcher(client.get("/request/").get_data(as_text=True))["de"] == "/request/?lang=de"

    sent = client.post(f"/a/{token}/request", data={"name": "Ada", "phone": "+31 6 5555 0000", "email": "",
                                                    "description": "It leaks water underneath.", "website": ""})
    received = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert switcher(received)["es"] == f"/a/{token}/requested?lang=es"

    # a refused form comes back from a POST address: the switcher leads to the product's page
    refused = client.post(f"/a/{token}/request", data={"name": "", "website": ""})
    assert refused.status_code == 422
    assert switcher(refused.get_data(as_text=True))["de"] == f"/a/{token}?lang=de"


def test_staff_pages_have_no_public_switcher(client, auth, asset):
    auth.as_role(Role.DISPATCHER)
    assert 'class="nav languages"' not in client.get(f"/a/{asset.qr_token}?lang=de").get_data(as_text=True)


MALFORMED = ["xx", "'; DROP TABLE users; --", "x" * 500, "xx-" + "de" * 250, "zh-Hant", "*", ";q=1", "\u00e9", ""]


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed_languages_get_the_company_default(client, asset, value):
    headers = {"Accept-Language": value} if value else {}
    response = client.get(f"/a/{asset.qr_token}?lang={value[:100]}", headers=headers)
    assert response.status_code == 200 and html_lang(response.get_data(as_text=True)) == "en"
    assert "lang=" not in response.headers.get("Set-Cookie", "")  # nothing we do not speak is remembered

    client.set_cookie("lang", value)
    response = client.get(f"/a/{asset.qr_token}")
    assert response.status_code == 200 and html_lang(response.get_data(as_text=True)) == "en"


def test_the_company_s_default_is_the_fallback(app, client, asset):
    with app.app_context():
        db.session.merge(CompanySettings(id=1, language="nl"))
        db.session.commit()
    languages.forget_company_defaults()
    client.set_cookie("lang", "'; DROP")
    html = client.get(f"/a/{asset.qr_token}", headers={"Accept-Language": "xx, yy;q=0.5"}).get_data(as_text=True)
    assert html_lang(html) == "nl" and current(html) == ["nl"]
    # a language the browser asks for and we speak still comes before the company's
    assert html_lang(client.get(f"/a/{asset.qr_token}", headers={"Accept-Language": "xx, es;q=0.5"}
                                ).get_data(as_text=True)) == "es"
