"""Keeping the customer informed, in real browsers and over real SMTP (aiosmtpd): the dispatcher
books a visit at the desk; the email arrives with an .ics for the booked window; the customer taps
its link on a phone and moves the visit to the afternoon; the technician's Today shows the new
time; the second email's .ics updates the same calendar entry (same UID, higher SEQUENCE).

Two pictures for README are taken on the way, into FIELDAPP_SCREENSHOTS when it is set
(`FIELDAPP_SCREENSHOTS=docs/screenshots`), else into the test's temporary folder."""
import html
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Visit
from tests.browser.conftest import LiveServer, sign_in
from tests.mailbox import smtp_server  # noqa: F401  (fixture)

DESK = {"width": 1280, "height": 900}


@pytest.fixture
def mail_server(new_app, smtp_server):  # noqa: F811
    """The demo company served with CSRF on, its mail going to the test's SMTP server and its
    links (PUBLIC_BASE_URL) leading back to this server."""
    app = new_app(template="demo", WTF_CSRF_ENABLED=True, TESTING=False, MAIL_FROM="Service desk <service@demo.test>",
                  **smtp_server.config())
    live = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = live.url
    with live:
        yield live


def _case_needing_a_visit(app):
    """The demo's case waiting for a visit, of a customer with an email address."""
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.status == CaseStatus.VISIT_NEEDED).order_by(Case.id)).first()
        assert case.customer.email and case.customer.contact_by.email
        return case.id, case.number, case.customer.name, case.customer.email


def _free_day(app):
    """A working day a week ahead: past the demo's planned visits, inside the days a customer may move to."""
    with app.app_context():
        day = clock.today() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(app, day, hour):
    with app.app_context():
        return clock.at_local(day, hour)


def _mail(inbox, count: int):
    """The first `count` messages, once they have arrived."""
    deadline = time.monotonic() + 10
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) == count, [m["Subject"] for m in inbox.messages]
    return inbox.messages


def _event(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]


def _as_mail_app(message) -> str:
    """The message as a mail app shows it: headers, the plain text, its links tappable, the attachment."""
    body = html.escape(message.get_body(("plain",)).get_content())
    body = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', body)
    [attachment] = [p.get_filename() for p in message.iter_attachments()]
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Mail</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<body style="margin:0;font:16px/1.45 system-ui,sans-serif;color:#1f2937;background:#fff">'
        '<header style="padding:14px 16px;background:#f3f4f6;border-bottom:1px solid #d1d5db">'
        f'<h1 style="font-size:18px;margin:0 0 6px">{html.escape(message["Subject"])}</h1>'
        f'<div style="font-size:14px;color:#4b5563">From {html.escape(message["From"])}<br>'
        f'To {html.escape(message["To"])}</div></header>'
        f'<pre style="white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:0;padding:16px">{body}</pre>'
        f'<p style="margin:0 16px 16px;padding:10px 12px;border:1px solid #d1d5db;border-radius:8px">'
        f'Attached: {html.escape(attachment)}</p></body></html>')


def _watch(page, seen: list[str]):
    """The autouse console check covers `page`; the other people's pages report into it too."""
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(f"uncaught: {error}"))
    return page


def test_a_booked_visit_is_mailed_moved_by_the_customer_and_shown_to_the_technician(
        page, browser, phone, mail_server, smtp_server, console_errors, csp_violations, tmp_path):  # noqa: F811
    server, app = mail_server, mail_server.app
    pictures = Path(os.environ.get("FIELDAPP_SCREENSHOTS") or tmp_path)
    pictures.mkdir(parents=True, exist_ok=True)
    case_id, number, customer, address = _case_needing_a_visit(app)
    day = _free_day(app)

    # 1. The dispatcher, at the desk, books Tom for 09:00–11:00.
    desk = browser.new_context(viewport=DESK)
    office = _watch(desk.new_page(), console_errors)
    sign_in(office, server, "dispatcher@demo.test")
    office.goto(f"{server.url}/cases/{case_id}")
    book = office.locator("#book")
    book.get_by_label("Technician", exact=True).select_option(label="Tom Technician")
    book.get_by_label("Day", exact=True).fill(day.isoformat())
    book.get_by_label("Arrival window from").fill("09:00")
    book.get_by_label("until").fill("11:00")
    book.get_by_label("Expected duration (minutes)").fill("60")
    book.get_by_role("button", name="Book the visit").click()
    expect(office.get_by_text("Visit booked.")).to_be_visible()
    desk.close()

    # 2. The email arrives, its calendar file holding the booked window.
    [booked] = _mail(smtp_server, 1)
    assert booked["To"] == address and booked["Subject"].startswith("Your visit on ")
    first = _event(booked)
    assert first.decoded("dtstart") == _at(app, day, 9) and first.decoded("dtend") == _at(app, day, 11)
    assert int(first["sequence"]) == 0 and str(first["organizer"]) == "mailto:service@demo.test"
    text = booked.get_body(("plain",)).get_content().replace("\r\n", "\n")
    [visit_link] = re.findall(r"\S+/my/visit/\S+", text)
    assert visit_link.startswith(server.url + "/my/visit/")
    booked_day = re.search(r"^(.+), arrival 09:00–11:00$", text, re.MULTILINE).group(1)

    # 3. The customer reads it on their phone and taps the link ...
    page.set_content(_as_mail_app(booked))
    page.screenshot(path=str(pictures / "customer-email.png"), full_page=True, scale="css")
    page.get_by_role("link", name=visit_link).click()
    expect(page.get_by_role("heading", name="Your visit", level=1)).to_be_visible()
    expect(page.get_by_text("arrival between 09:00 and 11:00")).to_be_visible()
    # ... chooses the afternoon of the same day, and moves the visit.
    page.get_by_role("radio", name=f"{booked_day} · 13:00–15:00", exact=True).check()
    page.get_by_role("button", name="Move my visit").click()
    expect(page.get_by_text("Done: your visit has moved. We have sent you the new time.")).to_be_visible()
    expect(page.get_by_text("arrival between 13:00 and 15:00")).to_be_visible()
    # The request's status page, as the customer follows it.
    page.get_by_role("link", name="Follow your request").click()
    expect(page.get_by_text("A visit is planned.")).to_be_visible()
    page.screenshot(path=str(pictures / "customer-status-page.png"), full_page=True, scale="css")

    # 4. Tom's Today, on his phone, has the visit at the new time.
    with app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.case_id == case_id))
        assert visit.technician.email == "tech@demo.test"
    field = browser.new_context(**phone, service_workers="block")
    tech = _watch(field.new_page(), console_errors)
    sign_in(tech, server, "tech@demo.test")
    tech.goto(f"{server.url}/today?day={day.isoformat()}")
    card = tech.locator(".visit-card", has_text=customer)
    expect(card.locator(".visit-card__time")).to_have_text("13:00–15:00")
    field.close()

    # 5. The second email updates the same calendar entry.
    _, moved = _mail(smtp_server, 2)
    assert moved["To"] == address and moved["Subject"].startswith("Your visit has moved")
    second = _event(moved)
    assert str(second["uid"]) == str(first["uid"]) == f"visit-{visit.id}@127.0.0.1"
    assert int(second["sequence"]) > int(first["sequence"])
    assert second.decoded("dtstart") == _at(app, day, 13) and second.decoded("dtend") == _at(app, day, 15)
    assert str(second["summary"]).endswith(f"({number})")
    assert csp_violations == []
