"""Who picks the language: a visitor's browser or switcher, a staff member's account, the
company's default; and what a bad value does (nothing: the company's default)."""
from __future__ import annotations

import re

import pytest

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import CompanySettings, Role


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("header, expected", [
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("fr-FR, nl;q=0.7", "nl"),
    ("zh-CN,zh;q=0.9", "zh-Hans"),
    ("zh-Hans-SG", "zh-Hans"),
    ("zh-TW,zh-Hant;q=0.9", "en"),  # traditional script: not shipped
    ("es-419", "es"),
    ("xx, ;;;q=abc, de;q=nope", "en"),
    ("'; DROP TABLE users; --", "en"),
    ("a" * 500, "en"),
    ("", "en"),
])
def test_a_visitor_reads_the_browsers_language_or_the_companys(client, header, expected):
    response = client.get("/login", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert lang_of(response) == expected


def test_the_switcher_choice_is_remembered(client):
    first = client.get("/login?lang=nl", headers={"Accept-Language": "de"})
    assert lang_of(first) == "nl"
    assert "lang=nl" in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    assert lang_of(client.get("/login", headers={"Accept-Language": "de"})) == "nl"


@pytest.mark.parametrize("bad", ["xx", "../../etc", "<script>", "nl\r\nSet-Cookie: a=b", "e" * 300])
def test_a_bad_choice_or_cookie_is_ignored(client, bad):
    response = client.get("/login", query_string={"lang": bad})
    assert response.status_code == 200 and lang_of(response) == "en"
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    client.set_cookie("lang", bad[:200])
    assert lang_of(client.get("/login")) == "en"


def test_public_pages_vary_by_language(client):
    vary = client.get("/login").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_staff_read_their_own_language_else_the_companys(app, client, auth):
    me = auth.as_role(Role.DISPATCHER)
    assert lang_of(client.get("/account/", headers={"Accept-Language": "de"})) == "en"  # the browser does not pick
    with app.app_context():
        db.session.merge(CompanySettings(id=1, language="es"))
        db.session.commit()
    languages.forget_company_defaults()
    assert lang_of(client.get("/account/")) == "es"
    with app.app_context():
        from fieldapp.models import User

        db.session.get(User, me.id).language = "zh_Hans"
        db.session.commit()
    assert lang_of(client.get("/account/")) == "zh-Hans"
    languages.forget_company_defaults()


def test_a_company_language_no_longer_shipped_falls_back_to_english(app, client):
    with app.app_context():
        db.session.merge(CompanySettings(id=1, language="klingon"))
        db.session.commit()
    languages.forget_company_defaults()
    assert lang_of(client.get("/login")) == "en"
    languages.forget_company_defaults()


def test_the_scripts_texts_are_served_per_language_and_cached_by_version(client):
    page = client.get("/login?lang=de").get_data(as_text=True)
    url = re.search(r'<script src="(/text/de\.js\?v=\w+)"', page).group(1)
    script = client.get(url)
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert "immutable" in script.headers["Cache-Control"]
    assert "self.gettext" in script.get_data(as_text=True)
    assert client.get("/text/de.js?v=old").headers["Cache-Control"] == "no-cache"
    assert client.get("/text/xx.js").status_code == 404


def test_the_rating_screen_speaks_the_customers_language(app, client, auth, make):
    """The technician hands the phone over: the customer reads it in the customer's language."""
    tech = auth.as_role(Role.TECHNICIAN)
    customer = make.customer(language="de")
    visit = make.visit(tech, make.case(customer=customer))
    assert lang_of(client.get(f"/visits/{visit.id}/handover/")) == "de"
    assert lang_of(client.get(f"/visits/{visit.id}")) == "en"  # the technician's own page


def test_the_phone_keeps_the_scripts_texts_of_every_language(client, auth):
    """Without signal, the rating screen still speaks the customer's language."""
    auth.as_role(Role.TECHNICIAN)
    worker = client.get("/sw.js").get_data(as_text=True)
    for code in languages.LANGUAGES:
        assert f"/text/{code}.js?v=" in worker, code
