"""Returns in a real browser: the dispatcher opens Returns from the navigation, takes the requested
return that is within its window, approves a refund with its amount, marks the product received and
completes it; the case's timeline shows every step. A customer asks for a return from a product's
label; the return pages pass axe."""
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, ReturnRequest, ReturnStatus
from fieldapp.services import returns
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import a11y_page, violations  # noqa: F401 (a fixture)


def _requested_within_window(app) -> str:
    with app.app_context():
        ret = db.session.scalar(select(ReturnRequest).where(ReturnRequest.status == ReturnStatus.REQUESTED,
                                                            ReturnRequest.eligible.is_(True)))
        return ret.case.number


def _returnable_label(app) -> str:
    """The label of a product that may be returned today and has no return under way."""
    with app.app_context():
        for asset in db.session.scalars(select(Asset).order_by(Asset.id)):
            policy = returns.policy(asset, clock.today())
            if policy.today.eligible and not policy.in_progress:
                return asset.qr_token
    raise AssertionError("the demo has no product that may be returned today")


def test_the_dispatcher_refunds_a_return_step_by_step(page, server, live_app, csp_violations):
    number = _requested_within_window(live_app)
    sign_in(page, server, "dispatcher@demo.test")

    page.get_by_role("navigation", name="After the visit").get_by_role("link", name="Returns").click()
    expect(page.get_by_role("heading", name="Returns")).to_be_visible()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("Eligible")
    expect(row).to_contain_text("Requested")
    row.get_by_role("link", name=number).click()

    item = page.locator(".return-item")
    expect(item).to_contain_text("Within the 30-day return period")
    item.get_by_label("Decision").select_option("refund")
    item.get_by_label("Amount (optional)").fill("149,00")
    item.get_by_role("button", name="Approve the return").click()
    expect(page.get_by_text("Return approved.")).to_be_visible()
    expect(item).to_contain_text("€149.00")

    item.get_by_label("Note (optional)").fill("Complete, in its box.")
    item.get_by_role("button", name="Mark the product received").click()
    expect(page.get_by_text("Returned product received.")).to_be_visible()

    expect(item.get_by_label("Amount", exact=True)).to_have_value("149.00")
    item.get_by_role("button", name="Mark refunded").click()
    expect(page.get_by_text("Return completed.")).to_be_visible()
    expect(item.locator(".badge", has_text="Refunded")).to_be_visible()
    expect(page.locator(".case-head .badge", has_text="Resolved")).to_be_visible()

    timeline = page.locator("#timeline")
    for step in ("Return requested", "Return approved", "Returned product received", "Return completed",
                 "Refunded: €149.00", "Complete, in its box."):
        expect(timeline).to_contain_text(step)
    assert csp_violations == []


def test_a_customer_asks_for_a_return_from_the_label(page, server, live_app, csp_violations):
    token = _returnable_label(live_app)
    page.goto(f"{server.url}/a/{token}")
    section = page.locator("#return")
    expect(section).to_contain_text("You can return this product within 30 days of purchase")
    section.locator("summary", has_text="Request a return").click()
    section.get_by_label("Your name").fill("Ada")
    section.get_by_label("Phone").fill("+31 6 5555 0000")
    section.get_by_label("Why do you want to return it?").fill("It is too loud at night.")
    section.get_by_label("Condition of the product").select_option("as_new")
    section.get_by_role("button", name="Send return request").click()
    expect(page.get_by_role("heading", name="Thank you, we have your request")).to_be_visible()
    expect(page.locator(".reference")).to_contain_text("C-")
    assert csp_violations == []


def test_the_return_pages_pass_axe(a11y_page, server, live_app):
    token = _returnable_label(live_app)
    assert violations(a11y_page, f"{server.url}/a/{token}") == []
    with live_app.app_context():
        case_ids = [r.case_id for r in db.session.scalars(select(ReturnRequest).order_by(ReturnRequest.id))]
    sign_in(a11y_page, server, "dispatcher@demo.test")
    for path in ["/returns/", "/returns/?status=all", *(f"/cases/{case_id}" for case_id in case_ids[:3])]:
        assert violations(a11y_page, server.url + path) == [], path
