"""The visit page on a phone: where a failed save is told, and where a workflow step lands."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import User, Visit
from fieldapp.services import field_team
from tests.browser.conftest import sign_in


def _open_first_visit(page, server, live_app) -> Visit:
    """The demo technician's first visit today, opened on the phone (not started yet)."""
    with live_app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit = field_team.technician_day(tech, clock.today())[0]
    sign_in(page, server, "tech@demo.test")
    page.goto(f"{server.url}/visits/{visit.id}")
    return visit


def test_each_workflow_step_lands_on_the_workflow_with_the_next_button_in_view(page, server, live_app):
    _open_first_visit(page, server, live_app)
    workflow = page.locator("#workflow")

    page.get_by_role("button", name="Start travel").click()
    expect(page.locator(".visit-head .badge", has_text="Travelling")).to_be_visible()
    expect(workflow.get_by_role("heading", name="Visit")).to_be_in_viewport()
    expect(workflow.get_by_text("Travel started")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Arrived")).to_be_in_viewport()

    page.get_by_role("button", name="Arrived").click()
    expect(page.locator(".visit-head .badge", has_text="On site")).to_be_visible()
    expect(workflow.get_by_role("heading", name="Visit")).to_be_in_viewport()
    # On site, the report comes next; finishing is below it, one tap away.
    to_finish = page.get_by_role("link", name="Fill in the report, then finish below")
    expect(to_finish).to_be_in_viewport()
    expect(page.get_by_role("button", name="Complete visit")).not_to_be_in_viewport()
    to_finish.click()
    expect(page.get_by_role("button", name="Complete visit")).to_be_in_viewport()


@pytest.mark.console_errors("status of 502", "Response Status Error Code 502")
def test_a_server_error_on_save_says_not_saved_at_the_field_and_keeps_the_text(page, server, live_app):
    _open_first_visit(page, server, live_app)
    field = page.locator("#field-next_steps")
    next_steps = page.get_by_label("Next steps")
    # A proxy's error page, as a phone network might serve it: it must not replace the field.
    page.route("**/fields/next_steps", lambda route: route.fulfill(status=502, body="<h1>Bad gateway</h1>"))

    next_steps.fill("Order a new door seal.")
    page.get_by_role("button", name="Save next steps").click()

    expect(field.get_by_role("alert")).to_contain_text("Not saved: the server had a problem.")
    expect(field.get_by_text("Saved", exact=True)).to_have_count(0)
    expect(next_steps).to_have_value("Order a new door seal.")
    expect(page.get_by_text("Bad gateway")).to_have_count(0)
