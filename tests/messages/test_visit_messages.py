"""The messages a booked visit causes, end to end over real SMTP (aiosmtpd) and a real HTTP text
gateway (Apprise json://): booked with an .ics, moved with the same UID and a higher SEQUENCE,
cancelled with METHOD:CANCEL; each exactly once, whatever sends it."""
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Case, CaseEvent, CaseStatus, ContactBy, Customer, MailStatus, MessageChannel, OutboundMail, Role, \
    ServiceType, User, Visit
from fieldapp.services import booking, mail, notify
from tests.mailbox import smtp_server  # noqa: F401
from tests.messages.gateway import text_gateway  # noqa: F401


@pytest.fixture
def company(new_app, smtp_server, text_gateway):
    return new_app(**smtp_server.config(), SMS_URL=text_gateway.url)


@pytest.fixture
def story(company):
    """A customer with an email and a mobile number, their product's open case, a technician."""
    from tests.conftest import Factory
    make = Factory(company)
    customer = make.customer(name="Ada Lovelace", email="ada@example.com", phone="+31 6 12345678",
                             contact_by=ContactBy.BOTH)
    asset = make.asset(customer=customer)
    case = make.case(asset=asset, status=CaseStatus.VISIT_NEEDED)
    technician = make.user(Role.TECHNICIAN, name="Tina Tech")
    dispatcher = make.user(Role.DISPATCHER, name="Dana Desk")
    return make, case, technician, dispatcher


def _at(days, hour):
    return clock.at_local(clock.today() + timedelta(days=days), hour)


def _book(case, technician, dispatcher, days=3, hour=9):
    start = _at(days, hour)
    visit = booking.schedule_visit(db.session.get(Case, case.id), db.session.get(User, technician.id), start,
                                   start + timedelta(hours=2), ServiceType.REPAIR, 60, None,
                                   db.session.get(User, dispatcher.id))
    db.session.commit()
    mail.send_committed()
    return visit


def _calendar(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def test_a_booked_visit_is_emailed_with_its_calendar_file_and_texted(company, story, smtp_server, text_gateway):
    make, case, technician, dispatcher = story
    with company.app_context():
        visit = _book(case, technician, dispatcher)
        start, end = visit.scheduled_start, visit.scheduled_end

    [email] = smtp_server.messages
    assert email["To"] == "ada@example.com"
    body = email.get_body(("plain",)).get_content()
    assert "Technician: Tina\n" in body.replace("\r\n", "\n") and "Tina Tech" not in body  # the first name only
    event = _calendar(email).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start and event.decoded("dtend") == end
    assert str(event["uid"]).startswith(f"visit-{visit.id}@") and int(event["sequence"]) == 0
    assert str(_calendar(email)["method"]) == "REQUEST"
    [text] = text_gateway.received
    assert text["to"] == "+31612345678" and "/my/visit/" in text["message"]


def test_moving_and_cancelling_keep_the_uid_and_raise_the_sequence(company, story, smtp_server):
    make, case, technician, dispatcher = story
    with company.app_context():
        visit = _book(case, technician, dispatcher)
        booking.reschedule(visit, _at(4, 13), _at(4, 15), 60, "Customer asked", db.session.get(User, dispatcher.id))
        db.session.commit()
        mail.send_committed()
        booking.cancel(db.session.get(Visit, visit.id), "Solved by phone", db.session.get(User, dispatcher.id))
        db.session.commit()
        mail.send_committed()

    booked, moved, cancelled = (_calendar(m) for m in smtp_server.messages)
    uids = {str(c.walk("VEVENT")[0]["uid"]) for c in (booked, moved, cancelled)}
    assert len(uids) == 1
    assert [int(c.walk("VEVENT")[0]["sequence"]) for c in (booked, moved, cancelled)] == [0, 1, 2]
    assert moved.walk("VEVENT")[0].decoded("dtstart") == _in(company, 4, 13)
    assert str(cancelled["method"]) == "CANCEL"


def _in(app, days, hour):
    with app.app_context():
        return _at(days, hour)


def test_each_message_is_written_once_per_event_recipient_and_channel(company, story):
    make, case, technician, dispatcher = story
    with company.app_context():
        visit = _book(case, technician, dispatcher)
        again = notify.send("visit_booked", db.session.get(Case, case.id), db.session.get(Visit, visit.id))
        db.session.commit()
        assert again == []
        rows = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "visit_booked")).all()
        assert sorted(r.channel.value for r in rows) == ["email", "text"]


def test_a_customer_who_wants_no_messages_gets_none(company, story, smtp_server, text_gateway):
    make, case, technician, dispatcher = story
    with company.app_context():
        db.session.get(Customer, db.session.get(Case, case.id).customer_id).contact_by = ContactBy.NONE
        db.session.commit()
        _book(case, technician, dispatcher)
    assert smtp_server.messages == [] and text_gateway.received == []


def test_a_refused_text_is_marked_failed_with_the_reason_on_the_case(company, story, text_gateway):
    make, case, technician, dispatcher = story
    text_gateway.refuse = True
    with company.app_context():
        company.config["MAIL_MAX_ATTEMPTS"] = 1
        _book(case, technician, dispatcher)
        text = db.session.scalar(select(OutboundMail).where(OutboundMail.channel == MessageChannel.TEXT))
        assert text.status is MailStatus.FAILED and text.last_error
        kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
        assert "text_failed" in kinds


def test_a_sender_killed_mid_way_never_sends_twice(company, story, smtp_server):
    """The sender marks a message "sending" before handing it over: dying after the hand-over and
    before writing it down leaves it so, and the next run marks it failed ("may have gone out")
    instead of sending it again."""
    make, case, technician, dispatcher = story
    with company.app_context():
        company.config["SMS_URL"] = ""
        start = _at(3, 9)
        booking.schedule_visit(db.session.get(Case, case.id), db.session.get(User, technician.id), start,
                               start + timedelta(hours=2), ServiceType.REPAIR, 60, None,
                               db.session.get(User, dispatcher.id))
        db.session.commit()
        db.session.info.pop("fieldapp.mail.committed", None)  # the request died before sending
        email = db.session.scalar(select(OutboundMail).where(OutboundMail.channel == MessageChannel.EMAIL))

        class Killed(BaseException):
            pass

        from fieldapp.transports import mail as transport
        real = transport.SmtpBackend.send

        def send_then_die(self, message):
            real(self, message)
            raise Killed()
        transport.SmtpBackend.send = send_then_die
        try:
            with pytest.raises(Killed):
                mail.deliver([email.id])
        finally:
            transport.SmtpBackend.send = real
        db.session.rollback()
        assert len(smtp_server.messages) == 1
        later = db.session.get(OutboundMail, email.id).next_attempt_at + timedelta(seconds=1)
        mail.deliver_due(later)
        mail.deliver_due(later + timedelta(hours=1))
        email = db.session.get(OutboundMail, email.id)
        assert email.status is MailStatus.FAILED and "may have gone out" in email.last_error
    assert len(smtp_server.messages) == 1


def test_planned_maintenance_tells_the_customer_at_booking_not_as_a_request(company, story):
    """The maintenance planner opens cases nobody asked for: no "we have your request"."""
    make, case, technician, dispatcher = story
    with company.app_context():
        row = db.session.get(Case, case.id)
        row.maintenance_due_on = clock.today()
        assert notify.send("request_received", row) != []  # sent when asked for...
        db.session.rollback()
        event = CaseEvent(kind="opened", case_id=row.id)
        row = db.session.get(Case, case.id)
        row.maintenance_due_on = clock.today()
        notify.on_case_event(row, event)  # ...but the planner's opening says nothing
        assert db.session.scalars(select(OutboundMail)).all() == []
