"""The technician's visit on a phone, from Today to a signed, completed report."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Rating, RatingSource, User, Visit, VisitStatus
from fieldapp import demo
from fieldapp.services import field_team
from tests.browser.conftest import sign_in


@pytest.fixture(scope="session")
def browser_context_args(with_service_worker):
    return with_service_worker  # the technician's main flow, as phones run it: with the worker


def _first_visit_today(app) -> Visit:
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        return field_team.technician_day(tech, clock.today())[0]


def _add_part(page, query):
    search = page.get_by_label("Add a part: search SKU or name")
    search.click()
    search.press_sequentially(query, delay=60)  # typed as a person types
    result = page.locator("#part-results .part-result button").first
    expect(result).to_be_visible()
    name = result.locator("strong").inner_text()
    result.click()
    expect(page.locator("#parts .part-row__line", has_text=name)).to_be_visible()
    return name


def _draw_signature(page):
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 20, y + (15 if step % 2 else -15))
    page.mouse.up()


def test_a_technician_works_a_visit_from_travel_to_signed_completion(page, server, live_app, csp_violations):
    first = _first_visit_today(live_app)
    sign_in(page, server, "tech@demo.test")

    page.locator("article.visit-card").first.get_by_role("link", name="Open visit").click()
    expect(page).to_have_url(f"{server.url}/visits/{first.id}")

    page.get_by_role("button", name="Start travel").click()
    expect(page.locator(".visit-head .badge", has_text="Travelling")).to_be_visible()
    page.get_by_role("button", name="Arrived").click()
    expect(page.locator(".visit-head .badge", has_text="On site")).to_be_visible()

    parts = [_add_part(page, "fan"), _add_part(page, "gasket")]
    expect(page.locator("#parts .part-row")).to_have_count(2)

    page.get_by_label("Outcome").select_option("resolved")
    expect(page.locator("#field-outcome .saved")).to_be_visible()
    page.get_by_label("Actions taken").fill("Replaced the fan and the door gasket; ran a full test cycle.")
    page.get_by_role("button", name="Save actions taken").click()
    expect(page.locator("#field-actions_taken .saved")).to_be_visible()
    tip = page.locator("#field-preventative_advice button.tip").first
    tip_text = tip.inner_text().removeprefix("+ ").strip()
    tip.click()
    expect(page.get_by_label("Preventative advice")).to_have_value(tip_text)

    page.get_by_role("button", name="Hand over for the customer's rating").click()
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    for aspect, stars in [("overall", 5), ("timeliness", 4), ("professionalism", 5), ("quality", 5),
                          ("product_performance", 4)]:
        page.locator(f"label[for='{aspect}-{stars - 1}']").click()
    page.get_by_label("Comments (optional)").fill("Friendly and quick.")
    _draw_signature(page)
    page.get_by_role("button", name="Submit rating").click()
    expect(page.get_by_text("Please hand the phone back")).to_be_visible()
    page.get_by_role("link", name="Technician: take the phone back").click()
    page.get_by_label("Your password or PIN").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Back to the visit").click()

    page.get_by_role("button", name="Complete visit").click()
    expect(page.locator(".visit-head .badge", has_text="Completed")).to_be_visible()
    expect(page.get_by_role("heading", name="Customer rating")).to_be_visible()
    assert csp_violations == []

    with live_app.app_context():
        visit = db.session.get(Visit, first.id)
        assert visit.status is VisitStatus.COMPLETED
        assert visit.travel_started_at < visit.arrived_at < visit.completed_at
        assert sorted(row.part.name for row in visit.parts) == sorted(parts)
        assert visit.actions_taken.startswith("Replaced the fan")
        assert tip_text in visit.preventative_advice
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == first.id))
        assert (rating.overall, rating.timeliness, rating.product_performance) == (5, 4, 4)
        assert rating.source is RatingSource.ON_SITE and rating.comments == "Friendly and quick."
        assert rating.signature_svg.startswith("M ") and rating.signature_svg.count("L") >= 10
        assert rating.signer_name == visit.case.customer.name


def test_completing_without_the_report_shows_what_is_missing(page, server, live_app):
    first = _first_visit_today(live_app)
    sign_in(page, server, "tech@demo.test")
    page.goto(f"{server.url}/visits/{first.id}")
    page.get_by_role("button", name="Arrived").click()
    page.get_by_role("button", name="Complete visit").click()
    expect(page.get_by_text("Choose the outcome before completing.")).to_be_visible()
    expect(page.get_by_text("Describe the actions taken before completing.")).to_be_visible()
    expect(page.locator(".visit-head .badge", has_text="On site")).to_be_visible()
