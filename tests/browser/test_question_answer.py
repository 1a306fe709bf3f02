"""A customer's question in a real browser: asked on the product's QR page, found by the dispatcher
on the board, answered by email from the case page (delivered to a real SMTP server, aiosmtpd),
and shown as sent in the outbox."""
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Asset
from fieldapp import demo
from tests.browser.conftest import LiveServer, sign_in
from tests.mailbox import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def mail_server(new_app, smtp_server):  # noqa: F811
    """The demo company served with CSRF on, its mail going to the test's SMTP server."""
    app = new_app(WTF_CSRF_ENABLED=True, TESTING=False, **smtp_server.config())
    with app.app_context():
        demo.load_demo()
        db.session.commit()
        token = db.session.scalars(select(Asset.qr_token).order_by(Asset.id)).first()
    with LiveServer(app) as live:
        yield live, token


def test_a_question_from_the_label_is_answered_by_email(page, mail_server, smtp_server, csp_violations):  # noqa: F811
    server, token = mail_server

    # The customer scans the label and asks.
    page.goto(f"{server.url}/a/{token}")
    ask = page.locator("#ask")
    ask.get_by_label("Your question").fill("Can I use vinegar to descale it?")
    ask.get_by_label("Your name").fill("Ada Lovelace")
    ask.get_by_label("Your email").fill("ada@example.com")
    ask.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("heading", name="Thank you, we have your question")).to_be_visible()
    reference = page.locator(".reference").inner_text()

    # The dispatcher finds it on the board (QR requests) and opens the case.
    sign_in(page, server, "dispatcher@demo.test")
    expect(page.get_by_role("heading", name="Dispatch", level=1)).to_be_visible()  # where signing in lands
    page.get_by_label("Channel").select_option("qr")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**channel=qr**")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Can I use vinegar to descale it?").first).to_be_visible()

    # The answer, by email; the case is resolved with it.
    answer = page.locator("#answer")
    expect(answer.get_by_label("To")).to_have_value("ada@example.com")
    expect(answer.get_by_label("Subject")).to_have_value(f"Re: your question ({reference})")
    answer.get_by_label("Message").fill("Yes: half vinegar, half water, then rinse twice.")
    answer.get_by_label("Mark the case resolved").check()
    answer.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer to ada@example.com queued")).to_be_visible()
    expect(page.locator(".case-head .badge", has_text="Resolved")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Answered by email")

    # The mail leaves once the answer is written; the question's receipt went before it.
    subject = f"Re: your question ({reference})"
    deadline = time.monotonic() + 10
    while subject not in [m["Subject"] for m in smtp_server.messages] and time.monotonic() < deadline:
        time.sleep(0.1)
    receipt, message = smtp_server.messages
    assert receipt["Subject"] == f"We have your request {reference}"
    assert message["To"] == "ada@example.com" and message["Subject"] == subject
    assert "half vinegar" in message.get_body(("plain",)).get_content()
    page.reload()
    expect(page.locator("#answer .mail-item", has_text=subject).locator(".badge", has_text="Sent")).to_be_visible()

    # The outbox lists it as sent.
    answer.get_by_role("link", name="Outbox").click()
    page.get_by_role("link", name="Sent").click()
    expect(page.get_by_role("heading", name="Sent")).to_be_visible()
    row = page.locator(".mail-item", has_text=f"Re: your question ({reference})")
    expect(row).to_contain_text("ada@example.com")
    expect(row.get_by_role("link", name=reference)).to_be_visible()
    assert csp_violations == []
