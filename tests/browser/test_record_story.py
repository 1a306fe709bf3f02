"""The whole story on the record, through the screens: a visit that was an installation and a
maintenance, with a part repaired rather than replaced, rated by the customer to the office on a
call, read back in the report's PDF."""

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Rating, RatingSource, User, Visit
from fieldapp.services import field_team, visits
from tests.browser.conftest import sign_in
from tests.reading import pdf_text


def _first_visit_today(app) -> Visit:
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        return field_team.technician_day(tech, clock.today())[0]


def test_two_kinds_of_service_a_repaired_part_and_an_office_rating_reach_the_pdf(page, browser, server, live_app,
                                                                                 csp_violations):
    visit = _first_visit_today(live_app)
    with live_app.app_context():  # the technician has arrived (the steps there have their own walk)
        row = db.session.get(Visit, visit.id)
        visits.start_travel(row, other_day=True)
        visits.arrive(row, other_day=True)
        db.session.commit()
    phone = browser.new_context(viewport={"width": 412, "height": 915})
    tech = phone.new_page()
    sign_in(tech, server, "tech@demo.test")
    tech.goto(f"{server.url}/visits/{visit.id}")
    expect(tech.locator(".visit-head .badge", has_text="On site")).to_be_visible()

    # An installation that was also the first maintenance.
    service = tech.locator("#field-service_type")
    service.get_by_label("Service type").select_option("installation")
    expect(service.locator(".saved")).to_be_visible()
    tech.locator("#field-service_type").get_by_role("checkbox", name="Maintenance").check()
    tech.get_by_role("button", name="Save service type").click()
    expect(tech.locator("#field-service_type").get_by_role("checkbox", name="Maintenance")).to_be_checked()
    expect(tech.locator("#field-service_type .saved")).to_be_visible()

    # A part taken out, repaired and put back.
    search = tech.get_by_label("Add a part: search SKU or name")
    search.click()
    search.press_sequentially("fan", delay=60)
    result = tech.locator("#part-results .part-result button").first
    expect(result).to_be_visible()
    name = result.locator("strong").inner_text()
    result.click()
    row = tech.locator("#parts .part-row", has_text=name)
    expect(row.get_by_label("Repaired and put back, not replaced")).to_be_visible()  # a part just added opens
    row.get_by_label("Repaired and put back, not replaced").check()
    row.get_by_role("button", name="Save part").click()
    expect(tech.locator("#parts .part-row", has_text=name).get_by_text("Repaired, not replaced")).to_be_visible()

    tech.get_by_label("Outcome").select_option("resolved")
    expect(tech.locator("#field-outcome .saved")).to_be_visible()
    tech.get_by_label("Actions taken").fill("Installed the unit, cleaned and refitted the fan, set up the schedule.")
    tech.get_by_role("button", name="Save actions taken").click()
    expect(tech.locator("#field-actions_taken .saved")).to_be_visible()
    tech.get_by_role("button", name="Complete visit").click()
    expect(tech.locator(".visit-head .badge", has_text="Completed")).to_be_visible()
    phone.close()

    # The customer calls the office the next morning and rates the visit.
    sign_in(page, server, "dispatcher@demo.test")
    page.goto(f"{server.url}/cases/{visit.case_id}")
    page.locator("summary", has_text="Record the customer's rating").click()
    rate = page.locator("#rate")
    rate.get_by_label("What the customer rated").select_option(str(visit.id))
    for aspect, stars in (("overall", 4), ("timeliness", 5), ("professionalism", 4), ("quality", 4),
                          ("product_performance", 5)):
        rate.locator(f"label[for='{aspect}-{stars - 1}']").click()
    rate.get_by_label("What the customer said (optional)").fill("Neat work, explained everything.")
    rate.get_by_role("button", name="Record the rating").click()
    expect(page.get_by_text("The customer's rating is recorded.")).to_be_visible()

    with live_app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == visit.id))
        assert (rating.source, rating.overall, rating.timeliness) == (RatingSource.OFFICE, 4, 5)

    response = page.request.get(f"{server.url}/cases/{visit.case_id}/report.pdf")
    assert response.status == 200
    text = pdf_text(response.body())
    assert "Installation and Maintenance" in text
    assert "Repaired, not replaced" in text and f"{name} × 1 (repaired)" in text
    assert "Taken by the office" in text
    assert "Neat work, explained everything." in text
    assert csp_violations == []
