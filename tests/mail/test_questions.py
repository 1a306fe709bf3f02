"""A customer's question from the product's label: a case in the queue, answered by email from the
case page (delivered to a real SMTP server, aiosmtpd), with the answer on the timeline."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseEvent, CaseStatus, CaseType, Channel, MailStatus, OutboundMail, Role
from tests.conftest import Auth, Factory
from tests.mailbox import free_port, smtp_server  # noqa: F401  (fixture)


def question(**overrides) -> dict:
    return {"question": "How often should I descale it?", "asker_name": "Ada Lovelace",
            "asker_email": "Ada@Example.com", "homepage": "", **overrides}


@pytest.fixture
def asset(make):
    owner = make.customer(name="Margaret Hamilton", email="margaret@example.com", address="Apollostraat 11")
    return make.asset(customer=owner, product_model=make.product_model(name="AquaPure 300"), serial_number="AP-SECRET")


def _cases(app) -> list[Case]:
    with app.app_context():
        return list(db.session.scalars(select(Case)))


def test_a_question_from_the_label_lands_in_the_queue_with_a_reference(app, client, asset):
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Ask a question" in page and 'name="asker_email"' in page

    response = client.post(f"/a/{asset.qr_token}/ask", data=question())

    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    [case] = _cases(app)
    assert (case.case_type, case.channel, case.status, case.asset_id) == (CaseType.QUESTION, Channel.QR,
                                                                         CaseStatus.NEW, asset.id)
    assert (case.contact_name, case.contact_email) == ("Ada Lovelace", "ada@example.com")
    assert case.description == "How often should I descale it?"
    assert "Thank you, we have your question" in thanks and case.number in thanks
    for private in ("Margaret", "margaret@example.com", "Apollostraat", "AP-SECRET", "ada@example.com"):
        assert private not in thanks, private

    Auth(client, Factory(app)).as_role(Role.DISPATCHER)
    assert case.number in client.get("/dispatch/").get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"asker_email": "not-an-email"}, "Enter a valid email address"),
    ({"asker_email": ""}, "we send the answer there"),
    ({"asker_name": ""}, "Enter your name."),
    ({"question": "Hm"}, "5 to 2000 characters"),
])
def test_a_bad_question_is_refused_with_the_text_kept(app, client, asset, overrides, message):
    response = client.post(f"/a/{asset.qr_token}/ask", data=question(**overrides))

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    if overrides.get("question") is None:
        assert "How often should I descale it?" in html
    assert _cases(app) == []


def test_the_honeypot_swallows_bot_questions(app, client, asset):
    response = client.post(f"/a/{asset.qr_token}/ask", data=question(homepage="http://spam.example"))

    assert response.status_code == 303
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _cases(app) == []
    assert client.get(f"/a/{asset.qr_token}/asked").status_code == 200


def test_the_thanks_page_needs_a_question_first(client, asset):
    response = client.get(f"/a/{asset.qr_token}/asked")
    assert response.status_code == 303 and response.headers["Location"] == f"/a/{asset.qr_token}"


def test_flooding_the_question_form_is_refused_with_429(app, client, asset):
    statuses = [client.post(f"/a/{asset.qr_token}/ask", data=question()).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    assert len(_cases(app)) == 5


# --- The answer, from the case page ----------------------------------------------------------------------

def _asked(app, client, asset) -> Case:
    client.post(f"/a/{asset.qr_token}/ask", data=question())
    [case] = _cases(app)
    return case


def test_the_dispatcher_answers_by_email_and_it_arrives(new_app, smtp_server):  # noqa: F811
    app = new_app(**smtp_server.config())
    client = app.test_client()
    make = Factory(app)
    asset = make.asset(product_model=make.product_model(name="AquaPure 300"))
    case = _asked(app, client, asset)
    Auth(client, make).as_role(Role.DISPATCHER, name="Dana Dispatcher")

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Answer by email" in page
    assert f"Re: your question ({case.number})" in page and 'value="ada@example.com"' in page
    assert "Hello Ada Lovelace," in page and "&gt; How often should I descale it?" in page

    response = client.post(f"/cases/{case.id}/answer", data={
        "to": "ada@example.com", "subject": f"Re: your question ({case.number})",
        "body": "Every three months, or when the light blinks.", "resolve": "y"})

    assert response.status_code == 303 and response.headers["Location"].endswith("#answer")
    # The question's receipt (with the status page's link), then the answer, sent right after the commit.
    received, message = smtp_server.messages
    assert received["Subject"] == f"We have your request {case.number}" and "/my/" in received.get_content()
    assert message["To"] == "ada@example.com" and message["Subject"] == f"Re: your question ({case.number})"
    assert "Every three months" in message.get_body(("plain",)).get_content()
    with app.app_context():
        row = db.session.get(Case, case.id)
        kinds = {e.kind: e.note for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))}
        assert row.status is CaseStatus.RESOLVED and row.first_response_at is not None
        assert "Every three months" in kinds["answered"] and "mail_sent" in kinds
        assert db.session.scalar(select(OutboundMail.status)) is MailStatus.SENT
    after = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Answered by email" in after and "Email sent" in after and "Sent</span>" in after


def test_an_answer_that_cannot_go_out_yet_is_kept_and_shown(new_app):
    app = new_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    client = app.test_client()
    case = _asked(app, client, Factory(app).asset())
    Auth(client, Factory(app)).as_role(Role.DISPATCHER)

    response = client.post(f"/cases/{case.id}/answer", data={"to": "ada@example.com", "subject": "Re: descaling",
                                                             "body": "Every three months."})

    assert response.status_code == 303  # the answer is saved; the mail waits
    with app.app_context():
        mail = db.session.scalar(select(OutboundMail))
        assert (mail.status, mail.attempts) == (MailStatus.PENDING, 1)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Waiting to send" in page and "ConnectionRefusedError" in page


@pytest.mark.parametrize("data, message, status", [
    ({"to": "ada,eve@example.com"}, "This address cannot receive mail", 422),
    ({"to": "not an address"}, "Enter a valid email address", 422),
    ({"subject": ""}, "Enter a subject.", 422),
])
def test_a_bad_answer_is_refused_with_the_text_kept(app, client, asset, data, message, status):
    case = _asked(app, client, asset)
    Auth(client, Factory(app)).as_role(Role.DISPATCHER)

    response = client.post(f"/cases/{case.id}/answer", data={"to": "ada@example.com", "subject": "Re: descaling",
                                                             "body": "Keep this text, please.", **data})

    html = response.get_data(as_text=True)
    assert response.status_code == status and message in html and "Keep this text, please." in html
    with app.app_context():  # only the question's receipt: no answer was queued
        assert db.session.scalars(select(OutboundMail.kind)).all() == ["request_received"]


def test_a_case_without_an_address_offers_no_answer_form(app, client, make):
    customer = make.customer(email=None)
    case = make.case(asset=make.asset(customer=customer), status=CaseStatus.NEW)
    Auth(client, make).as_role(Role.DISPATCHER)

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert "No email address on this case" in page and "Send the answer" not in page
