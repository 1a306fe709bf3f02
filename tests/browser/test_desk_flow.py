"""The dispatcher's desk in a real browser: a phone request for a registered product, assessed,
a remote-support attempt that fails, a visit booked for tech@demo.test, the clash warning when
a second visit is placed over it, a reassignment; the technician's Today picks the visit up
without a reload; after the visit the dispatcher closes the case and the timeline shows it all."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, CaseStatus, Outcome, Visit
from fieldapp.services import visits
from tests.browser.conftest import sign_in


def _free_product(app):
    """A registered product with no open case, and its owner."""
    with app.app_context():
        for asset in db.session.scalars(select(Asset).order_by(Asset.id.desc())):
            if all(not c.status.is_open for c in db.session.scalars(select(Case).where(Case.asset_id == asset.id))):
                return asset.serial_number, asset.customer.name, asset.customer.phone
    raise AssertionError("the demo has no product without an open case")


def _slot(app):
    """This afternoon at 17:00, or tomorrow's when the afternoon is over."""
    with app.app_context():
        now = clock.now()
        day = now.date() if now.hour < 16 else now.date() + timedelta(days=1)
        return day


def test_the_dispatchers_desk_from_request_to_closure(page, browser, server, live_app, csp_violations):
    serial, owner, owner_phone = _free_product(live_app)
    day = _slot(live_app)

    # The technician has Today open on their phone before anything is booked.
    phone = browser.new_context(viewport={"width": 412, "height": 915})
    tech = phone.new_page()
    tech.clock.install()
    sign_in(tech, server, "tech@demo.test")
    tech.goto(server.url + f"/today?day={day.isoformat()}")
    expect(tech.get_by_text("Washing machine stops mid-cycle")).to_have_count(0)

    # 1. The request, by phone.
    sign_in(page, server, "dispatcher@demo.test")
    page.get_by_role("link", name="New request").click()
    # A new customer (the unit came with their house): no match, so they are typed in.
    page.get_by_text("Not found: a new customer").click()
    page.get_by_label("Name", exact=True).fill("Noor van Dijk")
    page.get_by_label("Phone", exact=True).fill("+31 6 4242 4242")
    page.get_by_label("Or the serial number").fill(serial)
    page.get_by_label("Came in by").select_option("phone")
    page.get_by_label("What is wrong").fill("Washing machine stops mid-cycle")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("Assess it below")).to_be_visible()
    case_url = page.url
    expect(page.locator("#attention")).to_contain_text(f"Product registered to {owner}")

    # 2. Assessment, 3. remote support that fails.
    page.get_by_role("textbox", name="Assessment").fill("Error E21 on the display: drain problem likely")
    page.get_by_label("Next").select_option("remote_support")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Assessment saved.")).to_be_visible()
    page.get_by_label("Steps given").fill("Cleaned the drain filter with the customer on the phone")
    page.get_by_label("Outcome").select_option("not_solved")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator(".case-head .badge", has_text="Visit needed")).to_be_visible()

    # 4. A visit for tech@demo.test, this afternoon.
    book = page.locator("#book")
    book.get_by_label("Technician", exact=True).select_option(label="Tom Technician")
    book.get_by_label("Day", exact=True).fill(day.isoformat())
    book.get_by_label("Arrival window from").fill("17:00")
    book.get_by_label("until").fill("19:00")
    book.get_by_label("Expected duration (minutes)").fill("60")
    book.get_by_role("button", name="Book the visit").click()
    expect(page.get_by_text("Visit booked.")).to_be_visible()

    # A second visit over it, on another case: the clash shows before saving.
    with live_app.app_context():
        other = db.session.scalar(select(Case).where(Case.status == CaseStatus.VISIT_NEEDED).order_by(Case.id))
        other_id, other_number = other.id, other.number
    page.goto(server.url + f"/cases/{other_id}")
    book = page.locator("#book")
    book.get_by_label("Technician", exact=True).select_option(label="Tom Technician")
    book.get_by_label("Day", exact=True).fill(day.isoformat())
    book.get_by_label("Arrival window from").fill("17:30")
    book.get_by_label("Expected duration (minutes)").fill("45")
    book.get_by_label("Expected duration (minutes)").press("Tab")
    expect(page.locator("#clashes")).to_contain_text("Clash")
    # The reason comes with the warning, before anything is refused.
    expect(page.get_by_label("Book over a clash because… (only when there is one)")).to_be_visible()
    book.get_by_label("until").fill("19:30")
    with page.expect_response(lambda response: response.request.method == "POST") as refused:
        book.get_by_role("button", name="Book the visit").click()
    assert refused.value.status == 409
    # The refusal is a new page: the reason is typed into it, not into the one it replaces.
    page.wait_for_load_state()
    expect(page.get_by_text("Overlaps ", exact=False).first).to_be_visible()
    expect(page.get_by_label("Book over a clash because… (only when there is one)")).to_be_visible()
    page.get_by_label("Book over a clash because… (only when there is one)").fill("Customer can only do today")
    page.get_by_role("button", name="Book the visit").click()
    expect(page.get_by_text("Visit booked.")).to_be_visible()

    # ...and it is reassigned to a colleague.
    page.locator(".visit-changes summary").first.click()
    page.locator(".visit-changes").first.get_by_label("Technician", exact=True).select_option(label="Tara Technician")
    page.locator(".visit-changes").first.get_by_label("Reason").nth(1).fill("Tara is closer")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_text("Visit reassigned.")).to_be_visible()

    # The technician's Today shows the first visit at the next poll, without a reload.
    tech.clock.run_for(61_000)
    expect(tech.get_by_text("Washing machine stops mid-cycle")).to_be_visible()
    expect(tech.get_by_text(other_number)).to_have_count(0)

    # The visit happens (the technician's workflow has its own browser test).
    with live_app.app_context():
        visit = db.session.scalar(select(Visit).join(Visit.case).where(Case.description == "Washing machine stops mid-cycle"))
        visits.arrive(visit, other_day=True)  # booked for the next working slot, maybe tomorrow
        visit.outcome, visit.actions_taken = Outcome.RESOLVED, "Replaced the drain pump."
        visits.complete(visit, 50)
        db.session.commit()

    # The dispatcher closes the case; the timeline shows every step.
    page.goto(case_url)
    close = page.locator("#close")
    close.get_by_label("Summary for the report").fill("Drain pump replaced; runs normally.")
    close.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text("Case closed.")).to_be_visible()
    timeline = page.locator("#timeline")
    for step in ("Case opened", "Assessed", "Remote support", "Visit scheduled", "Technician arrived",
                 "Visit completed", "Closed"):
        expect(timeline).to_contain_text(step)
    assert csp_violations == []
    phone.close()


def test_the_customer_picker_finds_a_caller_by_phone(page, server, live_app):
    serial, owner, owner_phone = _free_product(live_app)
    sign_in(page, server, "dispatcher@demo.test")
    page.goto(server.url + "/intake/new")
    page.get_by_label("Find the customer").fill(owner_phone.replace(" ", "")[-8:])  # as read out, no spaces
    page.get_by_role("radio", name=owner).check()
    page.get_by_label("What is wrong").fill("Check the product list")
    page.get_by_role("button", name="Open the case").click()  # no product: a question is fine
    expect(page.get_by_text("Assess it below")).to_be_visible()
    expect(page.locator("h1")).to_have_text(owner)
