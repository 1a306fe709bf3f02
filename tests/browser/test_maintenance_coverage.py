"""Preventive maintenance and renewals in a real browser: the dispatcher opens "Maintenance" from
the navigation, creates the proposed cases and finds them among the open maintenance cases; then
opens "Coverage" and records a renewal call."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Customer, ProductModel
from tests.browser.conftest import sign_in


def _product_falling_due(app) -> str:
    """A product sold almost a year ago with a yearly maintenance interval: due in a few weeks."""
    with app.app_context():
        model = db.session.scalar(select(ProductModel).where(ProductModel.maintenance_interval_months == 12)
                                  .order_by(ProductModel.id).limit(1))
        customer = db.session.scalar(select(Customer).order_by(Customer.id).limit(1))
        asset = Asset(serial_number="MAINT-DUE-0001", product_model=model, customer=customer,
                      sales_date=clock.today() - timedelta(days=350))
        db.session.add(asset)
        db.session.commit()
        return asset.serial_number


def test_the_dispatcher_plans_maintenance_and_records_a_renewal_call(page, server, live_app, csp_violations):
    serial = _product_falling_due(live_app)
    sign_in(page, server, "dispatcher@demo.test")

    page.get_by_role("navigation", name="After the visit").get_by_role("link", name="Maintenance").click()
    expect(page.get_by_role("heading", name="Preventive maintenance")).to_be_visible()
    proposed = page.locator("#proposed")
    expect(proposed.get_by_text(serial)).to_be_visible()
    proposed.get_by_role("button", name="Create 1 maintenance case").click()

    expect(page.get_by_text("1 maintenance case created")).to_be_visible()
    expect(proposed.get_by_text("Nothing new falls due")).to_be_visible()
    with live_app.app_context():
        number = db.session.scalar(select(Case.number).join(Case.asset).where(Asset.serial_number == serial))
    # Among the open maintenance cases, soonest due first (the demo's overdue ones come before it).
    row = page.locator("#open-cases tr", has_text=serial)
    for next_page in range(2, 7):
        if row.count():
            break
        page.locator("#open-cases").get_by_role("link", name="Next").click()
        page.wait_for_url(f"**cases_page={next_page}**")
        expect(page.locator("#open-cases .table")).to_be_visible()
    row.get_by_role("link", name=number).click()
    expect(page.get_by_text(re.compile(r"^Preventive maintenance due \d"))).to_be_visible()
    page.go_back()
    # Back is restored by an htmx request; wait for it, or it lands on top of the next page.
    expect(page.locator("#open-cases")).to_be_visible()

    page.get_by_role("navigation", name="After the visit").get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", name="Renewal calls")).to_be_visible()
    first = page.locator("article.renewal").first
    customer = first.get_by_role("heading").inner_text()
    first.get_by_label("Outcome").select_option("no_answer")
    first.get_by_label("Note").fill("Voicemail, try again on Friday")
    first.get_by_role("button", name="Record the call").click()

    expect(page.get_by_text("Call recorded for")).to_be_visible()
    called = page.locator("article.renewal", has_text=customer).first
    expect(called.locator("strong", has_text="No answer, call again")).to_be_visible()
    expect(called.get_by_text("Voicemail, try again on Friday").first).to_be_visible()
    page.get_by_role("link", name="Coverage plans").click()
    expect(page.get_by_text("Premium care (2 visits/year, 4h response)")).to_be_visible()
    assert csp_violations == []
