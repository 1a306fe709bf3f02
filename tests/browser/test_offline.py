"""Offline in the field: Today and tomorrow's visits readable without signal, every change made
meanwhile queued on the phone and delivered exactly once, with the time it was made."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AppliedWrite, Rating, User, Visit, VisitPart, VisitPhoto, VisitStatus
from fieldapp.services import schedule, scheduling
from tests.browser.conftest import sign_in
from tests.browser.test_visit_flow import _draw_signature
from tests.conftest import jpeg_bytes

QUEUE_JS = "() => FieldStore.all().then(items => items.map(i => ({label: i.label, state: i.state, at: i.at, "\
           "url: i.url, reason: i.reason || ''})))"


def technician_visits(app, days_ahead: int) -> list[Visit]:
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        return schedule.technician_day(tech, schedule.today() + timedelta(days=days_ahead))


def ready_for_offline(page):
    """Signed in: the worker controls the page and has kept the technician's days."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    for _ in range(150):
        if page.evaluate("() => FieldStore.get('meta', 'plan').then(plan => !!plan)"):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the phone did not keep the technician's days within 30 s")


def queue(page) -> list[dict]:
    return page.evaluate(QUEUE_JS)


def go_offline(context):
    context.set_offline(True)


def visit_row(app, visit_id: int) -> Visit:
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        db.session.expunge(visit)
        return visit


def open_kept_visit(page, server, visit_id: int):
    page.goto(f"{server.url}/visits/{visit_id}")
    expect(page.locator("#workflow")).to_be_visible()


def test_a_day_without_signal_from_today_to_a_signed_completion_arrives_once(page, server, live_app):
    context = page.context
    sign_in(page, server, "tech@demo.test")
    ready_for_offline(page)
    tomorrow = technician_visits(live_app, 1)[0]
    go_offline(context)

    # Today, reloaded without signal, and tomorrow's visit, from the phone's copies.
    page.reload()
    expect(page.locator("article.visit-card").first).to_be_visible()
    expect(page.locator("#sync-badge")).to_contain_text("Offline")
    page.get_by_role("link", name="Next day").click()
    expect(page).to_have_url(re.compile(r"/today\?day="))
    page.locator("article.visit-card").first.get_by_role("link", name="Open visit").click()
    expect(page).to_have_url(f"{server.url}/visits/{tomorrow.id}")

    # The visit, worked without signal.
    page.get_by_role("button", name="Start travel").click()
    expect(page.locator("[data-step-done=start_travel]")).to_contain_text("Waiting to send")
    page.get_by_role("button", name="Arrived").click()
    expect(page.get_by_role("button", name="Complete visit")).to_be_visible()
    page.get_by_label("Outcome").select_option("resolved")
    expect(page.locator("#field-outcome .waiting")).to_have_text("Waiting to send")
    page.get_by_label("Actions taken").fill("Replaced the fan; tested a full cycle.")
    page.get_by_role("button", name="Save actions taken").click()
    expect(page.locator("#field-actions_taken .waiting")).to_have_text("Waiting to send")
    expect(page.locator("#field-actions_taken .saved")).to_have_count(0)

    search = page.get_by_label("Add a part: search SKU or name")
    search.press_sequentially("fan", delay=40)
    page.locator("#part-results .part-result button").first.click()
    expect(page.locator("#parts .part-row--waiting")).to_contain_text("Waiting to send")
    page.locator("#photo").set_input_files(files=[{"name": "fan.jpg", "mimeType": "image/jpeg",
                                                        "buffer": jpeg_bytes()}])
    expect(page.locator("#photos .photo--waiting")).to_be_visible()

    # The customer rates and signs on the technician's phone, still without signal.
    page.get_by_role("link", name="Hand over for the customer's rating").click()
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    for aspect in ("overall", "timeliness", "professionalism", "quality", "product_performance"):
        page.locator(f"label[for='{aspect}-4']").click()
    _draw_signature(page)
    page.get_by_role("button", name="Submit rating").click()
    expect(page.get_by_text("Your rating is kept on this phone")).to_be_visible()
    page.get_by_role("link", name="Technician: take the phone back").click()

    # Back on the visit (an older copy): what waits is shown over it; then complete.
    expect(page.locator("[data-step-done=arrive]")).to_contain_text("Waiting to send")
    expect(page.get_by_label("Actions taken")).to_have_value("Replaced the fan; tested a full cycle.")
    page.get_by_label("Labour minutes").fill("45")
    page.get_by_role("button", name="Complete visit").click()
    expect(page.locator("[data-step-done='complete not_complete']")).to_contain_text("Waiting to send")
    expect(page.locator("#sync-badge")).to_contain_text("8 waiting")
    made = queue(page)
    assert [item["label"] for item in made][:2] == ["Start travel", "Arrived"] and len(made) == 8
    assert all(item["state"] == "waiting" for item in made)

    # The page closed and opened again: the queue is still there.
    page.close()
    page = context.new_page()
    page.goto(server.url + "/sync")
    expect(page.locator("#sync-list .sync-item")).to_have_count(8)
    expect(page.locator("#sync-status")).to_contain_text("8 waiting to send")

    context.set_offline(False)
    expect(page.locator("#sync-list .sync-item")).to_have_count(0, timeout=20000)
    expect(page.locator("#sync-status")).to_contain_text("Nothing waiting")

    visit = visit_row(live_app, tomorrow.id)
    at = {item["label"]: datetime.fromisoformat(item["at"]) for item in made}
    assert visit.status is VisitStatus.COMPLETED
    assert visit.travel_started_at == at["Start travel"] and visit.arrived_at == at["Arrived"]
    assert visit.completed_at == at["Complete visit"] and visit.labour_minutes == 45
    assert visit.actions_taken == "Replaced the fan; tested a full cycle."
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VisitPart).where(VisitPart.visit_id == visit.id)) == 1
        assert db.session.scalar(select(func.count()).select_from(VisitPhoto).where(VisitPhoto.visit_id == visit.id)) == 1
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == visit.id))
        assert rating.overall == 5 and rating.created_at == at["Customer's rating and signature"]
        assert rating.signature_svg.startswith("M")
        assert db.session.get(User, visit.technician_id).last_sync_at is not None
