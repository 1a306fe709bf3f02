"""The hand-over lock in a real phone browser: the back-forward cache on (as on a phone), the
Back button after the customer rated, and the phone without signal. While the customer holds
the phone nothing of the technician's app shows without the technician's password or PIN."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_offline import go_offline, ready_for_offline, set_pin, technician_visits
from tests.browser.test_visit_flow import _draw_signature


@pytest.fixture(scope="session")
def browser_context_args(with_service_worker):
    return with_service_worker


def hand_over(page, server, visit_id: int) -> None:
    page.goto(f"{server.url}/visits/{visit_id}")
    page.get_by_role("button", name="Arrived").click()
    expect(page.locator(".visit-head .badge", has_text="On site")).to_be_visible()
    page.get_by_role("button", name="Hand over for the customer's rating").click()
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()


def no_staff_page(page) -> None:
    for staff in ("Complete visit", "Sign out", "Start travel"):
        expect(page.get_by_role("button", name=staff)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_the_back_button_after_the_rating_never_shows_the_technicians_pages(page, server, live_app):
    visit = technician_visits(live_app, 0)[0]
    sign_in(page, server, "tech@demo.test")
    page.goto(server.url + "/today")
    hand_over(page, server, visit.id)
    for aspect in ("overall", "timeliness", "professionalism", "quality", "product_performance"):
        page.locator(f"label[for='{aspect}-4']").click()
    _draw_signature(page)
    page.get_by_role("button", name="Submit rating").click()
    expect(page.get_by_text("Please hand the phone back")).to_be_visible()

    for _ in range(4):  # back through the rating, the visit page, Today, and before
        page.go_back()
        page.wait_for_load_state()
        no_staff_page(page)
        # The customer's screens or the technician's lock: each with its way forward.
        expect(page.get_by_role("heading", name=re.compile("Technician only|Thank you"))).to_be_visible()
    page.goto(server.url + "/today")
    expect(page.get_by_role("heading", name="Technician only")).to_be_visible()

    page.get_by_label("Your password or PIN").fill("wrong-one")
    page.get_by_role("button", name="Back to the visit").click()
    expect(page.get_by_text("attempts left")).to_be_visible()


def test_without_signal_the_locked_phone_opens_no_other_page_until_the_pin(page, server, live_app):
    today, other = technician_visits(live_app, 0)[:2]
    sign_in(page, server, "tech@demo.test")
    set_pin(page, server, "2468")
    ready_for_offline(page)
    hand_over(page, server, today.id)
    go_offline(page.context)

    for path in ("/today", f"/visits/{other.id}", f"/visits/{today.id}", "/account/"):
        page.goto(server.url + path)
        no_staff_page(page)
        expect(page.get_by_role("heading", name="Technician only")).to_be_visible()
        expect(page.get_by_text(other.case.description)).to_have_count(0)

    page.get_by_label("Your password or PIN").fill("1111")
    page.get_by_role("button", name="Back to the visit").click()
    expect(page.get_by_text("That is not your PIN (4 attempts left)")).to_be_visible()
    page.get_by_label("Your password or PIN").fill("2468")
    page.get_by_role("button", name="Back to the visit").click()
    expect(page).to_have_url(f"{server.url}/visits/{today.id}")
    expect(page.locator("#workflow")).to_be_visible()  # the technician's own page again (a kept copy)
    page.goto(server.url + "/today")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
