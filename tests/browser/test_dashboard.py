"""Reports and fault codes in a real browser: the dispatcher opens Reports from the navigation,
changes the period and follows a drill-down link to the visits behind a recurring fault; a
technician taps fault codes on a visit on their phone and they are still chosen after a reload."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import User, Visit, VisitStatus
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import a11y_page, violations  # noqa: F401 (a fixture)


def test_the_dispatcher_reads_the_reports_and_drills_down(browser, server, live_app, csp_violations):
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(page, server, "dispatcher@demo.test")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "page")
    expect(page.locator(".notices")).to_contain_text("ThermaHeat HP-9 heat pump")
    expect(page.locator("svg.chart").first).to_be_visible()

    page.get_by_role("link", name="Last 12 months").click()
    expect(page.get_by_role("link", name="Last 12 months")).to_have_attribute("aria-current", "page")
    with live_app.app_context():
        today = clock.today()
    page.get_by_label("From").fill((today - timedelta(days=59)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#period-title")).to_contain_text("(60 days)")

    faults = page.locator("section", has=page.locator("#faults-title"))
    faults.get_by_role("link", name="NO-HEAT").first.click()
    expect(page.get_by_role("heading", name="Visits completed")).to_be_visible()
    expect(page.get_by_text("Model: ThermaHeat HP-9 heat pump · Fault code: NO-HEAT · No heating")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("NO-HEAT / EXV")
    number = rows.first.get_by_role("link").inner_text()
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_text(number).first).to_be_visible()
    assert csp_violations == []
    desk.close()


def test_a_technician_taps_fault_codes_on_the_phone(page, server, live_app, csp_violations):
    with live_app.app_context():  # the demo's visit under way right now
        visit_id = db.session.scalar(select(Visit.id).join(User, User.id == Visit.technician_id).where(
            User.email == "tech3@demo.test", Visit.status == VisitStatus.ON_SITE))
    sign_in(page, server, "tech3@demo.test")
    page.goto(server.url + f"/visits/{visit_id}")

    chips = page.locator("#field-fault_codes")
    for chip in ("NOISE · Unusual noise", "WEAR · Worn part"):  # each tap saves (htmx, on change)
        group = chips.locator("fieldset.chips", has=page.locator("label.chip", has_text=chip))
        folded = group.locator("details.chips__fold:not([open]) > summary")
        if folded.count():  # a code chosen before: the group shows it folded, a tap unfolds it
            folded.click()
        with page.expect_response(lambda response: "/fields/fault_codes" in response.url) as saved:
            chips.locator("label.chip", has_text=chip).click()
        assert saved.value.status == 200
        expect(chips.get_by_role("status")).to_have_text("Saved")
        expect(chips.locator("input.chip__input:checked + .chip__text", has_text=chip)).to_have_count(1)
    box = page.locator("#field-fault_codes label.chip:visible, #field-fault_codes summary:visible").first.bounding_box()
    assert box["height"] >= 48  # big enough for a gloved thumb

    page.reload()  # each chosen code shown folded, a tap away from changing it
    for chip in ("NOISE · Unusual noise", "WEAR · Worn part"):
        expect(chips.locator("details.chips__fold > summary", has_text=chip)).to_be_visible()
    with live_app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.symptom_code.code, visit.cause_code.code) == ("NOISE", "WEAR")
    assert csp_violations == []


def test_the_reports_and_fault_code_pages_pass_axe(a11y_page, server, live_app):
    sign_in(a11y_page, server, "admin@demo.test")
    for path in ("/dashboard/", "/dashboard/?preset=last_12_months", "/dashboard/visits", "/admin/fault-codes/",
                 "/admin/fault-codes/1"):
        assert violations(a11y_page, server.url + path) == [], path
