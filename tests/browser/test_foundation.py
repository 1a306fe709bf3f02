"""A newcomer signs in on a phone and finds their way."""
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# Everything tappable in the page body must be at least 48 x 48 CSS pixels.
SMALL_TARGETS_JS = """
() => [...document.querySelectorAll('main a.button, main button, main input, main select, header a, header button')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.textContent.trim() || el.name, el.getBoundingClientRect()])
  .filter(([_, r]) => r.height < 48 || r.width < 48)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)
"""


def test_technician_signs_in_on_a_phone_and_sees_todays_visits(page, server, csp_violations):
    sign_in(page, server, "tech@demo.test")

    expect(page).to_have_url(server.url + "/today")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    cards = page.locator("article.visit-card")
    expect(cards.first).to_be_visible()
    assert cards.count() == 4
    times = [t.split("–")[0] for t in page.locator(".visit-card__time").all_inner_texts()]
    assert times == sorted(times)
    expect(cards.first.locator("a[href^='tel:']")).to_be_visible()
    # fits a 412 px phone: no sideways scrolling, big enough targets
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.evaluate(SMALL_TARGETS_JS) == []
    assert csp_violations == []


def test_day_switch_and_htmx_navigation_work(page, server, csp_violations):
    sign_in(page, server, "tech@demo.test")
    page.get_by_role("link", name="Previous day").click()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Today")
    expect(page.locator(".badge", has_text="Completed").first).to_be_visible()
    page.get_by_role("link", name="Back to today").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    assert csp_violations == []


def test_wrong_password_shows_a_message_and_keeps_the_email(page, server):
    sign_in(page, server, "tech@demo.test", "wrong-password")
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("tech@demo.test")


def test_dispatcher_and_admin_land_on_their_homes(page, server):
    sign_in(page, server, "dispatcher@demo.test")
    expect(page.get_by_role("heading", name="Waiting for the office")).to_be_visible()
    expect(page.locator(".row--attention").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    sign_in(page, server, "admin@demo.test")
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()


def test_admin_adds_an_account_and_sees_form_errors_in_place(page, server, csp_violations):
    sign_in(page, server, "admin@demo.test")
    page.get_by_label("Name").fill("Rita Repair")
    page.get_by_label("Email").fill("rita@example.com")
    page.get_by_label("Role").select_option("technician")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("The password needs at least 10 characters.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Rita Repair")

    page.get_by_label("Password").fill("long-enough-password")
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Rita Repair can now sign in as technician.")).to_be_visible()
    assert csp_violations == []
