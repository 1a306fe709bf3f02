"""A subject, a name or an address typed by office staff never becomes more than one mail header,
whatever this Python's email package does with encoded words (CVE-2024-6923): checked where it is
typed and again on the headers as written, and read back from a real SMTP server."""
from __future__ import annotations

import email.errors
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, MailStatus, OutboundMail, Role
from fieldapp.services import mail
from fieldapp.transports.mail import UnsafeHeader, _check_written_headers
from fieldapp.orm import utcnow
from tests.conftest import Auth, Factory
from tests.mailbox import smtp_server  # noqa: F401  (fixture)

INJECTED = "=?utf-8?q?Your_request=0D=0ABcc:_evil@example.net=0D=0AReply-To:_evil@example.net?="


@pytest.fixture
def desk(new_app, smtp_server):  # noqa: F811
    app = new_app(**smtp_server.config())
    client = app.test_client()
    make = Factory(app)
    case = make.case(contact_email="ada@example.com")
    Auth(client, make).as_role(Role.DISPATCHER)
    return app, client, case, smtp_server


@pytest.mark.parametrize("subject", [
    INJECTED,
    "=?UTF-8?B?WW91cg0KQmNjOiBldmlsQGV4YW1wbGUubmV0?=",  # the same in base64
    "Re: your request =?iso-8859-1?q?x?= now",
])
def test_an_encoded_word_in_the_subject_is_refused_with_the_answer_kept(desk, subject):
    app, client, case, inbox = desk
    response = client.post(f"/cases/{case.id}/answer", data={"to": "ada@example.com", "subject": subject,
                                                             "body": "Every three months."})

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "no =?…?= mail encoding" in html
    assert "Every three months." in html  # what was typed is still there
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(OutboundMail)) is None


def test_a_plain_subject_with_an_equals_sign_or_a_question_mark_still_goes(desk):
    app, client, case, inbox = desk
    response = client.post(f"/cases/{case.id}/answer", data={"to": "ada@example.com",
                                                             "subject": "Re: is 2+2=4? yes",
                                                             "body": "Every three months."})
    assert response.status_code == 303
    [message] = inbox.messages
    assert message["Subject"] == "Re: is 2+2=4? yes"
    assert message["Bcc"] is None and message["Reply-To"] is None


def test_a_stored_mail_with_an_unsafe_subject_is_never_sent_and_gives_up_at_once(desk):
    """A row written before this check (or by a path that skipped it) is stopped on the way out."""
    app, client, case, inbox = desk
    with app.app_context():
        row = OutboundMail(kind="answer", to_address="ada@example.com", subject=INJECTED, body="Hi\n",
                           case_id=case.id, status=MailStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        db.session.add(row)
        db.session.commit()
        outcome = mail.deliver([row.id])
        row = db.session.get(OutboundMail, row.id)
        assert outcome["failed"] == 1 and row.status is MailStatus.FAILED and row.attempts == 1
        assert "UnsafeHeader" in row.last_error
    assert inbox.messages == []
    page = client.get("/mail/?status=failed").get_data(as_text=True)
    assert "not plain text on one line" in page


def test_the_headers_as_written_are_checked_whatever_the_email_package_does():
    """This Python (3.11.7) folds the encoded word into three header lines; a fixed one refuses it."""
    message = EmailMessage()
    message["Subject"] = INJECTED
    with pytest.raises((UnsafeHeader, email.errors.MessageError)):
        _check_written_headers(message)
    fine = EmailMessage()
    fine["Subject"] = "A long subject " * 20  # folded, continuation lines start with a space
    _check_written_headers(fine)


def test_an_unsafe_company_name_stops_every_mail_instead_of_forging_headers(new_app, smtp_server):  # noqa: F811
    app = new_app(**smtp_server.config(), COMPANY_NAME="Service =?utf-8?q?x=0D=0ABcc:_evil@example.net?=")
    with app.app_context():
        queued = mail.queue("ada@example.com", "Your visit", "Hello", "answer",
                            case=db.session.get(Case, Factory(app).case().id))
        db.session.commit()
        mail.deliver([queued.id])
        assert db.session.get(OutboundMail, queued.id).status is MailStatus.FAILED
    assert smtp_server.messages == []
