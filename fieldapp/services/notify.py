"""Keeping the customer informed: the seven messages, by email and text, written in the same
transaction as the change that causes them and sent after commit through the outbox
(services/mail.py), exactly once per event, recipient and channel (the message's event key).

1. request received   a case opened                  (lifecycle event "opened")
2. visit booked       a visit booked, with its .ics  ("visit_scheduled")
3. visit moved        its time changed / cancelled   ("visit_rescheduled", "visit_cancelled")
4. reminder           hours before the window        (`due_reminders`, from cron)
5. on my way          the technician starts travel   ("visit_started")
6. visit done         the visit completed            ("visit_completed"; the report on close as before)
7. survey             days after a completed visit   (`due_surveys`, from cron)

Each can be switched off by the admin (settings.messages_off) and rewritten per language
(services/message_texts.py). Where a message goes is the case's contact (else the customer's),
on the channels the customer chose (customer.contact_by): email to an address, text to a mobile
number. Reminders, "visit done" and surveys are not essential: each carries a one-click
unsubscribe link, and an address that used it gets no more of them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fieldapp import clock, formats, languages
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseEvent, ContactBy, MailStatus, MessageChannel, OptedOut, OutboundMail, Outcome, Rating, Visit,
    VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import calendar_file, customer_links, lifecycle, mail, message_texts, phones, settings
from fieldapp.transports import mail as mail_transport

log = logging.getLogger(__name__)

# A case event and the message it causes.
ON_EVENT = {"opened": "request_received", "visit_scheduled": "visit_booked", "visit_rescheduled": "visit_moved",
            "visit_cancelled": "visit_cancelled", "visit_started": "on_my_way", "visit_completed": "visit_done"}
WITH_CALENDAR = {"visit_booked", "visit_moved", "visit_cancelled"}
# "On my way" replayed from a phone that had no signal, long after it happened, is no news.
ON_MY_WAY_FRESH = timedelta(minutes=30)
QUIET = "fieldapp.notify.quiet"  # session.info: the demo writes its history without messages
SURVEY_CATCH_UP = timedelta(days=7)  # the cron sends surveys falling due this far back, no older


@dataclass(frozen=True)
class Recipient:
    channel: MessageChannel
    address: str


def enabled(kind: str) -> bool:
    return kind not in (settings.current().messages_off or "").split()


def recipients(case: Case) -> list[Recipient]:
    customer = case.customer
    prefs = customer.contact_by if customer is not None else ContactBy.BOTH
    email = case.contact_email or (customer.email if customer is not None else None)
    phone = case.contact_phone or (customer.phone if customer is not None else None)
    found = []
    if prefs.email and email and mail.valid_address(email.strip()):
        found.append(Recipient(MessageChannel.EMAIL, email.strip()))
    number = phones.textable(phone) if prefs.text else None
    if number:
        found.append(Recipient(MessageChannel.TEXT, number))
    return found


def opted_out(address: str) -> bool:
    return db.session.scalar(select(OptedOut.id).where(OptedOut.address == address)) is not None


# --- From the case's timeline ------------------------------------------------------------------------------

def on_case_event(case: Case, event: CaseEvent) -> None:
    """lifecycle.record calls this for every new line on a timeline."""
    kind = ON_EVENT.get(event.kind)
    if kind is None or db.session.info.get(QUIET):
        return
    visit = event.visit
    if kind == "request_received" and case.maintenance_due_on is not None:
        return  # the planner's own case: nobody asked; the booking message tells them
    if kind == "on_my_way" and (visit.travel_started_at is None
                                or utcnow() - visit.travel_started_at > ON_MY_WAY_FRESH):
        return
    if kind == "visit_moved" and visit is not None:
        visit.confirmed_at = None  # the customer confirmed the old time, not this one
    send(kind, case, visit)


def event_key(kind: str, case: Case, visit: Visit | None) -> str:
    if kind == "request_received":
        return f"{kind}:case{case.id}"
    if kind == "visit_moved":
        return f"{kind}:visit{visit.id}:v{visit.schedule_version}"
    if kind == "reminder":
        return f"{kind}:visit{visit.id}:{visit.scheduled_start.isoformat()}"
    return f"{kind}:visit{visit.id}"


def send(kind: str, case: Case, visit: Visit | None = None) -> list[OutboundMail]:
    """Write this kind of message to each of the case's recipients, once; returns what was written."""
    if not enabled(kind):
        return []
    essential = message_texts.KINDS[kind].essential
    key = event_key(kind, case, visit)
    written = []
    for recipient in recipients(case):
        full_key = f"{key}:{recipient.channel.value}:{recipient.address}"[:200]
        if mail.already_written(full_key) or (not essential and opted_out(recipient.address)):
            continue
        written.append(_write(kind, case, visit, recipient, full_key, essential))
    return written


def _write(kind: str, case: Case, visit: Visit | None, recipient: Recipient, key: str,
           essential: bool) -> OutboundMail:
    customer = case.customer
    with languages.for_customer(customer) as language:
        values = _values(kind, case, visit)
        unsubscribe = None
        if not essential:
            unsubscribe = customer_links.url(customer_links.for_unsubscribe(recipient.address, case))
            values["unsubscribe_link"] = unsubscribe
        words = message_texts.render(kind, language, values)
        attachment = None
        if kind in WITH_CALENDAR and recipient.channel is MessageChannel.EMAIL:
            organizer = parseaddr(mail_transport.sender(current_app.config))[1]
            attachment = mail.Attachment(calendar_file.filename(visit), calendar_file.CONTENT_TYPE,
                                         calendar_file.for_visit(visit, _calendar_summary(case), words.text, organizer))
    if recipient.channel is MessageChannel.TEXT:
        return mail.queue_text(recipient.address, words.text, kind, case=case, visit=visit, event_key=key,
                               title=words.subject)
    return mail.queue(recipient.address, words.subject, words.body, kind, case=case, visit=visit,
                      attachment=attachment, event_key=key, unsubscribe_url=unsubscribe)


def _calendar_summary(case: Case) -> str:
    return _("%(company)s visit (%(case)s)", company=current_app.config["COMPANY_NAME"], case=case.number)


def _values(kind: str, case: Case, visit: Visit | None) -> dict[str, str]:
    customer = case.customer
    values = {
        "customer": case.contact_name or (customer.name if customer is not None else "") or _("customer"),
        "company": current_app.config["COMPANY_NAME"],
        "case": case.number,
        "status_link": customer_links.url(customer_links.for_status(case)),
        "product": case.asset.product_model.name if case.asset is not None else _("product"),
    }
    if visit is not None:
        values.update({
            "date": formats.weekday_day(clock.local_day(visit.scheduled_start)),
            "window": window_text(visit),
            "technician": first_name(visit.technician.name if visit.technician else ""),
            "arrival": formats.time_of_day(visit.expected_arrival_at or visit.scheduled_start),
            "done": done_sentence(visit),
        })
        if visit.status is VisitStatus.SCHEDULED:
            values["answer_link"] = customer_links.url(customer_links.for_visit(visit))
        if kind == "survey":
            values["survey_link"] = customer_links.url(customer_links.for_survey(visit))
            values["date"] = formats.weekday_day(clock.local_day(visit.completed_at))
    return values


def window_text(visit: Visit) -> str:
    return f"{formats.time_of_day(visit.scheduled_start)}–{formats.time_of_day(visit.scheduled_end)}"


def first_name(name: str) -> str:
    """Only the technician's first name goes to customers."""
    return (name or "").split()[0] if (name or "").split() else _("our technician")


def done_sentence(visit: Visit) -> str:
    outcome = {Outcome.RESOLVED: _("The problem is solved."),
               Outcome.PARTIALLY_RESOLVED: _("Part of the problem is solved; we will be in touch about the rest."),
               Outcome.NOT_RESOLVED: _("The problem is not solved yet; we will be in touch about what comes next.")}
    said = outcome.get(visit.outcome, "")
    actions = " ".join((visit.actions_taken or "").split())
    return f"{said} {_('What was done: %(actions)s', actions=actions)}".strip() if actions else said


def expected_arrival(visit: Visit, minutes: int | None, started: datetime) -> datetime:
    """When the technician expects to arrive: as they said ("about N minutes"), else the window's
    start if it is still ahead, else half an hour from now."""
    if minutes:
        return started + timedelta(minutes=minutes)
    if visit.scheduled_start > started:
        return visit.scheduled_start
    return started + timedelta(minutes=30)


# --- From cron: reminders and surveys that fell due ----------------------------------------------------------

def due_reminders(now: datetime | None = None, batch: int = 200) -> int:
    """Write the reminders whose time has come (each visit's once per planned time); how many."""
    now = now or utcnow()
    if not enabled("reminder"):
        return 0
    ahead = timedelta(hours=settings.current().reminder_hours)
    query = (_with_what_messages_read(select(Visit))
             .where(Visit.status == VisitStatus.SCHEDULED, Visit.scheduled_start > now,
                    Visit.scheduled_start <= now + ahead))
    return _write_in_batches("reminder", query, batch, lambda visit: not _told_lately(visit, visit.scheduled_start - ahead))


def _told_lately(visit: Visit, since: datetime) -> bool:
    """Booked or moved inside the reminder's hours: that message was the reminder."""
    return db.session.scalar(select(OutboundMail.id).where(
        OutboundMail.visit_id == visit.id, OutboundMail.kind.in_(("visit_booked", "visit_moved")),
        OutboundMail.created_at >= since).limit(1)) is not None


def due_surveys(now: datetime | None = None, batch: int = 200) -> int:
    """Write the surveys of visits completed the set days ago and not rated; how many."""
    now = now or utcnow()
    if not enabled("survey"):
        return 0
    due = now - timedelta(days=settings.current().survey_days)
    query = (_with_what_messages_read(select(Visit)).outerjoin(Rating, Rating.visit_id == Visit.id)
             .where(Visit.status == VisitStatus.COMPLETED, Visit.completed_at <= due,
                    Visit.completed_at > due - SURVEY_CATCH_UP, Rating.id.is_(None)))
    return _write_in_batches("survey", query, batch, lambda visit: True)


def _with_what_messages_read(query):
    """A visit with its case, customer, product and technician: one query for a batch."""
    return query.options(joinedload(Visit.case).joinedload(Case.customer), joinedload(Visit.technician),
                         joinedload(Visit.case).joinedload(Case.asset).joinedload(Asset.product_model))


def _write_in_batches(kind: str, query, batch: int, wanted) -> int:
    """Each batch of visits' messages in one transaction. A second cron running at the same moment
    makes one of the two find an event key taken: that batch is rolled back and written again
    visit by visit, each skipping what the other wrote."""
    written, last_id = 0, 0
    while True:
        visits = db.session.scalars(query.where(Visit.id > last_id).order_by(Visit.id).limit(batch)).unique().all()
        if not visits:
            return written
        last_id = visits[-1].id
        chosen = [visit.id for visit in visits if wanted(visit)]
        try:
            count = sum(len(send(kind, visit.case, visit)) for visit in visits if visit.id in chosen)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            count = sum(_write_committed(kind, visit_id) for visit_id in chosen)
        written += count


def _write_committed(kind: str, visit_id: int) -> int:
    """One visit's messages in a transaction of their own."""
    try:
        visit = db.session.get(Visit, visit_id)
        count = len(send(kind, visit.case, visit))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return count


def run_due(now: datetime | None = None) -> dict[str, int]:
    """What `flask notify` does: write what fell due, then send everything waiting."""
    now = now or utcnow()
    reminders = due_reminders(now)
    surveys = due_surveys(now)
    db.session.commit()
    outcomes = mail.deliver_due(max(now, utcnow()), limit=100_000)  # what was just written too
    return {"reminders": reminders, "surveys": surveys,
            **{outcome: outcomes.get(outcome, 0) for outcome in ("sent", "retrying", "failed")}}


def pending_count() -> int:
    return db.session.scalar(select(db.func.count(OutboundMail.id)).where(
        OutboundMail.status == MailStatus.PENDING)) or 0


def install() -> None:
    lifecycle.listen(on_case_event)
