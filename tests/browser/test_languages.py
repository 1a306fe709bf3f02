"""The technician's main screens in every shipped language on a 360 px phone: the page says
its language, nothing runs off the side (long German words, Chinese), axe finds nothing; the
customer's pages in the language the visitor picks."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from fieldapp import clock, languages
from fieldapp.extensions import db
from fieldapp.models import Asset, Customer, Part, User, VisitPart, VisitStatus
from fieldapp.services import field_team
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.conftest import make_app

NARROW = {"width": 360, "height": 740}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
def language_server(tmp_path_factory):
    """One demo company for the five languages: tech3 is on site at his first visit."""
    app = make_app(tmp_path_factory.mktemp("languages"), template="demo", WTF_CSRF_ENABLED=True, TESTING=False)
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech3@demo.test"))
        visit = field_team.technician_day(tech, clock.today())[0]
        visit.status, visit.arrived_at = VisitStatus.ON_SITE, datetime.now(timezone.utc)
        part = db.session.scalar(select(Part).order_by(Part.id))
        visit.parts.append(VisitPart(part=part, quantity=1, unit_cost_cents=part.unit_price_cents))
        db.session.commit()
        token = db.session.scalar(select(Asset.qr_token).order_by(Asset.id))
        ids = (tech.id, visit.id, token, visit.case.customer_id)
    with LiveServer(app) as live:
        yield app, live, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def narrow_page(browser, phone, language_server):
    """Signed in once as tech3: each language is his choice of the moment (read on every page)."""
    _app, server, _ids = language_server
    # axe is injected (no CSP); no service worker: these pages are read for their language and
    # layout, and the worker's own walks are in test_offline.py.
    context = browser.new_context(**{**phone, "viewport": NARROW}, bypass_csp=True, service_workers="block")
    page = context.new_page()
    sign_in(page, server, "tech3@demo.test")
    yield page
    context.close()


def check(page, url, lang):
    page.goto(url, wait_until="load")
    assert page.get_attribute("html", "lang") == lang, url
    assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways in {lang}"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(RUN_AXE) == [], url


@pytest.mark.parametrize("code", list(languages.LANGUAGES))
def test_the_technicians_screens_in_each_language(language_server, narrow_page, code):
    app, server, (tech_id, visit_id, token, customer_id) = language_server
    with app.app_context():  # the rating screen speaks the customer's language: the same here
        db.session.get(User, tech_id).language = code
        db.session.get(Customer, customer_id).language = code
        db.session.commit()
    lang = code.replace("_", "-")
    for path in ("/today", f"/visits/{visit_id}", f"/visits/{visit_id}/handover/", "/account/", "/sync"):
        check(narrow_page, server.url + path, lang)
    # The customer's page, from the label: the visitor's own choice (in a window of its own).
    visitor = narrow_page.context.browser.new_context(**{"viewport": NARROW}, bypass_csp=True)
    try:
        check(visitor.new_page(), f"{server.url}/a/{token}?lang={code}", lang)
    finally:
        visitor.close()
