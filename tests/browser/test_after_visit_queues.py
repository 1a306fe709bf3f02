"""After the visit, in a real browser: the dispatcher sees what needs them on the board, opens the
follow-up queue from the navigation and marks a call done with its outcome; then opens the
complaint queue, resolves the oldest complaint with the customer's answer, and finds the case's
attention item cleared with it."""
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Complaint
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import a11y_page, violations  # noqa: F401 (a fixture)


def _oldest_open_complaint(app):
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.resolved_at.is_(None))
                                      .order_by(Complaint.received_at, Complaint.id))
        return complaint.case.number, complaint.attention_item.reason


def test_the_dispatcher_works_the_follow_up_and_complaint_queues(page, server, live_app, csp_violations):
    case_number, reason = _oldest_open_complaint(live_app)
    sign_in(page, server, "dispatcher@demo.test")
    expect(page.locator(".notices")).to_contain_text("open complaints")

    # Follow-ups: today's list, the first call marked done with what came of it.
    page.get_by_role("navigation", name="After the visit").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", name="Follow-ups")).to_be_visible()
    first = page.locator(".queue-item").first
    called = first.locator(".queue-item__head a").inner_text()
    first.locator("summary", has_text="Mark done").click()
    first.get_by_label("Outcome").fill("Customer is happy; the unit runs quietly.")
    first.get_by_label("Then").select_option("none")
    first.get_by_role("button", name="Save as done").click()
    expect(page.get_by_text("Follow-up done.")).to_be_visible()
    page.get_by_role("link", name="Done").click()
    done = page.locator(".queue-item", has_text="Customer is happy; the unit runs quietly.")
    expect(done).to_contain_text(called)

    # Complaints: the oldest open one first, resolved with the customer's answer.
    page.get_by_role("navigation", name="After the visit").get_by_role("link", name="Complaints").click()
    oldest = page.locator(".queue-item").first
    expect(oldest).to_contain_text(case_number)
    expect(oldest).to_contain_text("open")
    oldest.locator("summary", has_text="Resolve").click()
    oldest.get_by_label("What was done").fill("Sent our senior technician; apologised by phone.")
    oldest.get_by_label("The customer's answer").fill("Satisfied with the second visit.")
    oldest.get_by_role("button", name="Save as resolved").click()
    expect(page.get_by_text("Complaint resolved.")).to_be_visible()
    expect(page.locator(".queue-item", has_text=case_number)).to_have_count(0)

    # The case: its attention item cleared, the complaint and the answer on it.
    page.get_by_role("link", name="Resolved").click()
    resolved = page.locator(".queue-item", has_text="Satisfied with the second visit.")
    resolved.get_by_role("link", name=case_number).click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_text(reason, exact=True)).to_have_count(0)
    expect(page.locator("#complaints")).to_contain_text("Satisfied with the second visit.")
    expect(page.locator("#timeline")).to_contain_text("Attention cleared")
    assert csp_violations == []


def test_the_queues_and_the_case_sections_pass_axe(a11y_page, server, live_app):
    with live_app.app_context():
        case_id = db.session.scalar(select(Complaint.case_id).where(Complaint.resolved_at.is_(None))
                                    .order_by(Complaint.received_at))
    sign_in(a11y_page, server, "dispatcher@demo.test")
    for path in ("/follow-ups/", "/follow-ups/?bucket=done", "/complaints/", "/complaints/?state=resolved",
                 "/complaints/?state=low_ratings", f"/cases/{case_id}"):
        assert violations(a11y_page, server.url + path) == [], path
