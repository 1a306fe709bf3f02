"""WCAG 2 A/AA checks with axe-core on the main screens, at phone size."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, Part, User, VisitPart, VisitStatus
from fieldapp.services import field_team
from tests.browser.conftest import sign_in

AXE = Path(__file__).resolve().parents[2] / ".cache/node/node_modules/axe-core/axe.min.js"
RUN_AXE = "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))" \
          ".violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"


@pytest.fixture
def a11y_page(browser, playwright):
    assert AXE.exists(), f"{AXE} is missing: run `make test`, which installs axe-core"
    # axe is injected as a script, which the strict CSP would block: bypass it for this check only.
    context = browser.new_context(**playwright.devices["Pixel 7"], bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def _on_site_visit_and_token(app):
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit = field_team.technician_day(tech, clock.today())[0]
        visit.status, visit.arrived_at = VisitStatus.ON_SITE, datetime.now(timezone.utc)
        part = db.session.scalar(select(Part).order_by(Part.id))
        visit.parts.append(VisitPart(part=part, quantity=1, unit_cost_cents=part.unit_price_cents))
        db.session.commit()
        return visit.id, db.session.scalar(select(Asset.qr_token).order_by(Asset.id))


def test_login_and_customer_pages_pass_axe(a11y_page, server, live_app):
    _, token = _on_site_visit_and_token(live_app)
    assert violations(a11y_page, server.url + "/login") == []
    assert violations(a11y_page, f"{server.url}/a/{token}") == []


def test_technician_screens_pass_axe(a11y_page, server, live_app):
    visit_id, token = _on_site_visit_and_token(live_app)
    sign_in(a11y_page, server, "tech@demo.test")
    for path in ("/today", f"/visits/{visit_id}", f"/visits/{visit_id}/handover/", "/scan/", f"/a/{token}", "/offline",
                 "/sync"):
        assert violations(a11y_page, server.url + path) == [], path


def test_office_screens_pass_axe(a11y_page, server, live_app):
    sign_in(a11y_page, server, "admin@demo.test")
    for path in ("/dispatch/", "/assets/", "/assets/new", "/assets/1/edit", "/admin/", "/admin/audit"):
        assert violations(a11y_page, server.url + path) == [], path
