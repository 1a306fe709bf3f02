"""Outgoing mail against a real SMTP server (aiosmtpd): what arrives, what happens when the server
is away (kept, retried with pauses, given up on and shown), the console backend, the cron command
and the office's outbox."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp import create_app
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Case, CaseEvent, MailStatus, OutboundMail, Role
from fieldapp.orm import utcnow
from fieldapp.services import mail, outbox
from fieldapp.transports import mail as transports
from tests.conftest import Auth, Factory, app_config
from tests.mailbox import free_port, smtp_server  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _queue(app, case_id=None, **kw) -> int:
    with app.app_context():
        case = db.session.get(Case, case_id) if case_id else None
        kw.setdefault("to", "customer@example.com")
        kw.setdefault("subject", "Your service report")
        kw.setdefault("body", "Hello,\n\nThe report is attached.\n")
        out = mail.queue(kind=kw.pop("kind", "report"), case=case, **kw)
        db.session.commit()
        return out.id


def _mail(app, mail_id) -> OutboundMail:
    with app.app_context():
        row = db.session.get(OutboundMail, mail_id)
        db.session.expunge(row)
        return row


def _events(app, case_id, kind) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(CaseEvent.note).where(CaseEvent.case_id == case_id,
                                                                    CaseEvent.kind == kind)))


@pytest.fixture
def smtp_app(new_app, smtp_server):  # noqa: F811
    return new_app(**smtp_server.config())


@pytest.fixture
def away_app(new_app):
    """Configured for a mail server that is not there (nothing listens on the port)."""
    return new_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3)


def test_a_queued_mail_arrives_with_its_attachment_and_goes_on_the_case(smtp_app, smtp_server):  # noqa: F811
    case = Factory(smtp_app).case()
    mail_id = _queue(smtp_app, case.id, attachment=mail.Attachment("C-2026-00001 report.pdf", "application/pdf", PDF))

    with smtp_app.app_context():
        assert mail.deliver_due() == {"sent": 1}

    [message] = smtp_server.messages
    assert message["To"] == "customer@example.com"
    assert message["Subject"] == "Your service report"
    assert "FieldApp Demo Service Co." in message["From"]
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Hello,\n\nThe report is attached.\n"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "C-2026-00001 report.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == PDF
    assert smtp_server.envelopes[0].rcpt_tos == ["customer@example.com"]
    sent = _mail(smtp_app, mail_id)
    assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.SENT, 1, None)
    assert sent.sent_at is not None
    assert _events(smtp_app, case.id, "mail_sent") == ["“Your service report” to customer@example.com"]
    with smtp_app.app_context():  # sent once only
        assert mail.deliver_due(utcnow() + timedelta(days=1)) == {}
    assert len(smtp_server.messages) == 1


def test_an_unreachable_server_keeps_the_mail_and_tries_again_later(away_app):
    case = Factory(away_app).case()
    mail_id = _queue(away_app, case.id)
    start = utcnow()

    with away_app.app_context():
        assert mail.deliver_due(start) == {"retrying": 1}
    waiting = _mail(away_app, mail_id)
    assert (waiting.status, waiting.attempts) == (MailStatus.PENDING, 1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at == start + timedelta(minutes=1)
    assert _events(away_app, case.id, "mail_failed") == []  # not on the timeline for each try

    with away_app.app_context():
        assert mail.deliver_due(start + timedelta(seconds=30)) == {}  # not due yet
        assert mail.deliver_due(start + timedelta(minutes=2)) == {"retrying": 1}
        assert outbox.trouble_count() == 1
    assert _mail(away_app, mail_id).next_attempt_at == start + timedelta(minutes=7)  # then 5 minutes

    with away_app.app_context():  # the third try of three: given up
        assert mail.deliver_due(start + timedelta(minutes=8)) == {"failed": 1}
    failed = _mail(away_app, mail_id)
    assert (failed.status, failed.attempts) == (MailStatus.FAILED, 3)
    [note] = _events(away_app, case.id, "mail_failed")
    assert "after 3 tries" in note and "ConnectionRefusedError" in note
    with away_app.app_context():
        assert mail.deliver_due(start + timedelta(days=1)) == {}  # stays failed until someone retries


def test_retry_puts_a_failed_mail_back_and_it_is_sent_when_the_server_is_back(away_app, smtp_server):  # noqa: F811
    mail_id = _queue(away_app)
    with away_app.app_context():
        db.session.execute(OutboundMail.__table__.update().values(status=MailStatus.FAILED.value, attempts=3,
                                                                  last_error="ConnectionRefusedError: no"))
        db.session.commit()
        mail.retry(db.session.get(OutboundMail, mail_id))
        db.session.commit()
    again = _mail(away_app, mail_id)
    assert (again.status, again.attempts) == (MailStatus.PENDING, 0)

    away_app.config.update(smtp_server.config())
    with away_app.app_context():
        assert mail.deliver_due() == {"sent": 1}
        with pytest.raises(DomainError):
            mail.retry(db.session.get(OutboundMail, mail_id))
    assert smtp_server.messages[0]["Subject"] == "Your service report"


def test_an_address_mail_cannot_go_to_is_refused(app):
    for address in ("a,b@example.com", "Name <a@example.com>", "a@exa mple.com", "jörg@example.de", "a@example", "",
                    "a@example.com\r\nBcc: x@example.com"):
        with app.app_context(), pytest.raises(DomainError) as refused:
            mail.queue(address, "Subject", "Body", "answer")
        assert refused.value.field == "to", address


def test_a_subject_stays_one_line(smtp_app, smtp_server):  # noqa: F811
    _queue(smtp_app, subject="Hello\r\nBcc: spy@example.com")
    with smtp_app.app_context():
        mail.deliver_due()
        with pytest.raises(DomainError):
            mail.queue("a@example.com", "Bad\x00subject", "Body", "answer")
    [message] = smtp_server.messages
    assert message["Subject"] == "Hello Bcc: spy@example.com"
    assert message["Bcc"] is None and smtp_server.envelopes[0].rcpt_tos == ["customer@example.com"]


def test_the_console_backend_prints_the_mail_instead(app, capsys):
    assert app.config["MAIL_BACKEND"] == "console"  # no MAIL_SERVER: what `make run` does
    mail_id = _queue(app, attachment=mail.Attachment("report.pdf", "application/pdf", PDF))
    with app.app_context():
        assert mail.deliver_due() == {"sent": 1}

    out = capsys.readouterr().out
    assert "To: customer@example.com" in out and "Subject: Your service report" in out
    assert "The report is attached." in out
    assert f"[attachment: report.pdf, application/pdf, {len(PDF)} bytes]" in out
    assert _mail(app, mail_id).status is MailStatus.SENT


def test_mail_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.com")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(instance_path=str(tmp_path))
    backend = transports.backend_for(app.config)
    assert (app.config["MAIL_BACKEND"], backend.server, backend.port, backend.use_tls) == (
        "smtp", "smtp.example.com", 587, True)
    with pytest.raises(RuntimeError, match="MAIL_BACKEND"):
        create_app(app_config("sqlite://", MAIL_BACKEND="pigeon"), instance_path=str(tmp_path))


def test_the_send_mail_command_sends_what_is_due(smtp_app, smtp_server):  # noqa: F811
    _queue(smtp_app)
    _queue(smtp_app, to="other@example.com")

    result = smtp_app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "Sent 2, will retry 0, gave up on 0." in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["customer@example.com", "other@example.com"]


# --- The outbox -------------------------------------------------------------------------------------------

def test_the_outbox_shows_what_failed_and_a_retry_sends_it(away_app, smtp_server):  # noqa: F811
    client = away_app.test_client()
    Auth(client, Factory(away_app)).as_role(Role.DISPATCHER)
    case = Factory(away_app).case()
    mail_id = _queue(away_app, case.id, subject="Answer about the filter")
    with away_app.app_context():
        for minutes in (0, 2, 10):
            mail.deliver_due(utcnow() + timedelta(minutes=minutes))

    board = client.get("/dispatch/").get_data(as_text=True)
    assert "1 message could not be sent yet." in board
    page = client.get("/mail/?status=failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Answer about the filter" in html and "ConnectionRefusedError" in html and case.number in html

    away_app.config.update(smtp_server.config())  # the server is back
    response = client.post(f"/mail/{mail_id}/retry", follow_redirects=True)

    assert response.request.args["status"] == "sent"
    assert "Sent “Answer about the filter” to customer@example.com." in response.get_data(as_text=True)
    assert [m["Subject"] for m in smtp_server.messages] == ["Answer about the filter"]
    assert _mail(away_app, mail_id).status is MailStatus.SENT
    assert "could not be sent" not in client.get("/dispatch/").get_data(as_text=True)
    assert client.post(f"/mail/{mail_id}/retry").status_code == 409  # sent already


def test_a_retry_that_fails_again_says_so(away_app):
    client = away_app.test_client()
    Auth(client, Factory(away_app)).as_role(Role.ADMIN)
    mail_id = _queue(away_app)

    response = client.post(f"/mail/{mail_id}/retry", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "is not sent yet: ConnectionRefusedError" in html
    assert _mail(away_app, mail_id).attempts == 1
    assert client.get("/admin/").get_data(as_text=True).count('href="/mail/"') == 1


def test_the_outbox_pages(app, client, auth):
    auth.as_role(Role.DISPATCHER)
    for n in range(outbox.OUTBOX_PAGE + 1):
        _queue(app, subject=f"Mail {n:02d}")

    first = client.get("/mail/?status=pending").get_data(as_text=True)
    second = client.get("/mail/?status=pending&page=2").get_data(as_text=True)

    assert "Mail 25" in first and "Mail 00" not in first and "Page 1 of 2" in first
    assert "Mail 00" in second
    assert client.get("/mail/?status=lost").status_code == 400
