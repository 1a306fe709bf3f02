"""Service targets in a browser: the admin tightens a target under Admin → Company settings, and
the dispatcher sees the case's clocks and the board's flag follow it."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Priority
from fieldapp.services import settings, sla
from tests.browser.conftest import sign_in


def test_a_tighter_target_flags_a_waiting_case(page, browser, server, live_app, csp_violations):
    with live_app.app_context():
        # A new case no one in the office has acted on yet, under the company's targets (no contract's).
        case = next(c for c in db.session.scalars(db.select(Case).where(Case.status == CaseStatus.NEW)
                                                  .order_by(Case.id))
                    if all(e.user_id is None or e.kind == "opened" for e in c.events)
                    and sla.target_for(c)[0] == settings.targets()[c.priority])
        case.priority = Priority.URGENT
        case.created_at = datetime.now(timezone.utc) - timedelta(minutes=90)
        case.first_response_at = None
        db.session.commit()
        case_id, number = case.id, case.number

    sign_in(page, server, "admin@demo.test")  # an admin lands on Administration
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    page.get_by_role("link", name="Company settings and service targets").click()
    expect(page).to_have_url(server.url + "/admin/settings/")
    page.get_by_label("Urgent: first response (hours)").fill("1")
    page.get_by_label("Urgent: resolution (hours)").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Between 1 and 2160 hours.")).to_be_visible()  # refused, typed values kept
    expect(page.get_by_label("Urgent: first response (hours)")).to_have_value("1")
    page.get_by_label("Urgent: resolution (hours)").fill("8")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(office, server, "dispatcher@demo.test")
    office.goto(server.url + "/dispatch/?priority=urgent")
    expect(office.get_by_role("row").filter(has_text=number)).to_contain_text("Target breached")
    office.goto(server.url + f"/cases/{case_id}")
    targets = office.locator("#targets")
    expect(targets).to_contain_text("Urgent priority")
    expect(targets).to_contain_text("First response")
    expect(targets).to_contain_text("Breached")
    expect(targets).to_contain_text("target 1 h")
    assert csp_violations == []
