"""Outgoing messages: email and text. A message is a row first (`queue`), written in the same
transaction as the change that causes it, so it exists exactly when that change does. Right after
the request commits it is sent (`send_committed`); whatever could not go out is sent again by
`flask send-mail` (or `flask notify`) from cron (`deliver_due`), with growing pauses. After
MAIL_MAX_ATTEMPTS tries a message is marked failed and stays in the office's outbox until someone
retries it: a failed send is shown, never lost.

Exactly once: a message about an event carries a key (event, recipient, channel) that is unique,
so the event cannot write it twice; a sender marks a row "sending" before it hands it over, so a
second sender leaves it alone, and a sender that died mid-way leaves it "sending": it is then
marked failed with "may have gone out" for a person to judge, never sent again on its own.

How a message leaves (SMTP, Apprise, or the console under `make run`) is fieldapp/transports;
what the office reads of the outbox is services/outbox.py.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import after_this_request, current_app, has_request_context
from flask_babel import gettext as _, ngettext
from sqlalchemy import event, select, update

from fieldapp import database
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Case, MailStatus, MessageChannel, OutboundMail, User, Visit
from fieldapp.orm import utcnow
from fieldapp.values import HEADER_MESSAGE, has_control_characters, is_plain_header_text
from fieldapp.services import audit, lifecycle
from fieldapp.transports import mail as transports
from fieldapp.transports import texts as text_transports

log = logging.getLogger(__name__)

# Pause after the 1st, 2nd, ... failed try; the last one repeats until MAIL_MAX_ATTEMPTS.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
# A message being sent is held this long; one still "sending" after it was interrupted mid-way.
LEASE = timedelta(minutes=10)
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
# An address smtplib can put in a header as it is: ASCII, one recipient, no display name.
ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
SUBJECT_MAX = 300
ERROR_MAX = 1000

_QUEUED = "fieldapp.mail.queued"  # session.info: ids queued in the open transaction
_COMMITTED = "fieldapp.mail.committed"  # ... and those whose transaction committed: send now
_WAITED_FOR = "fieldapp.mail.waited_for"  # ids the user waits to see sent (Retry now, Email the report)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


def valid_address(address: str) -> bool:
    return len(address) <= 254 and bool(ADDRESS_RE.match(address))


def already_written(event_key: str) -> bool:
    return db.session.scalar(select(OutboundMail.id).where(OutboundMail.event_key == event_key)) is not None


def queue_text(to: str, body: str, kind: str, case: Case | None = None, visit: Visit | None = None,
               event_key: str | None = None, title: str | None = None) -> OutboundMail:
    """A text message (to a number in E.164) to send once the caller's transaction commits."""
    if not E164_RE.match(to or ""):
        raise DomainError(_("This number cannot receive text messages."), "to", "invalid")
    if not (body or "").strip() or has_control_characters(body, multiline=True):
        raise DomainError(_("Write the message."), "body", "invalid")
    message = OutboundMail(kind=kind, channel=MessageChannel.TEXT, to_address=to,
                           subject=" ".join((title or body).split())[:SUBJECT_MAX], body=body.strip(),
                           case_id=case.id if case else None, visit_id=visit.id if visit else None,
                           event_key=event_key, status=MailStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    _send_after_commit(message)
    return message


def queue(to: str, subject: str, body: str, kind: str, case: Case | None = None,
          attachment: Attachment | None = None, user: User | None = None, visit: Visit | None = None,
          event_key: str | None = None, unsubscribe_url: str | None = None, waited_for: bool = False) -> OutboundMail:
    """A mail to send once the caller's transaction commits. `waited_for`: the user asked for this
    mail and its answer says whether it went, so it is sent before the answer (see send_committed)."""
    address = (to or "").strip()
    if not valid_address(address):
        raise DomainError(_("This address cannot receive mail: give one address like name@example.com "
                            "(plain letters, no spaces)."), "to", "invalid")
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX or has_control_characters(subject):
        raise DomainError(_("Give a subject of at most %(num)s characters, on one line.", num=SUBJECT_MAX),
                          "subject", "invalid")
    if not is_plain_header_text(subject):
        raise DomainError(_("The subject: %(problem)s", problem=HEADER_MESSAGE), "subject", "invalid")
    if not (body or "").strip():
        raise DomainError(_("Write the message."), "body", "invalid")
    mail = OutboundMail(kind=kind, to_address=address, subject=subject, body=body.strip() + "\n",
                        case_id=case.id if case else None, created_by_id=user.id if user else None,
                        visit_id=visit.id if visit else None, event_key=event_key, unsubscribe_url=unsubscribe_url,
                        status=MailStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    if attachment is not None:
        mail.attachment_name, mail.attachment_type, mail.attachment = (
            attachment.name, attachment.content_type, attachment.data)
    db.session.add(mail)
    db.session.flush()
    _send_after_commit(mail, waited_for)
    return mail


def retry(mail: OutboundMail, user: User | None = None) -> OutboundMail:
    """Try again now: a failed mail starts its tries afresh; a waiting one skips its pause."""
    if mail.status is MailStatus.SENT:
        raise DomainError(_("This message was sent already."), kind="conflict")
    if mail.status is MailStatus.SENDING:
        raise DomainError(_("This message is being sent right now."), kind="conflict")
    if mail.status is MailStatus.FAILED:
        mail.attempts = 0
    mail.status = MailStatus.PENDING
    mail.next_attempt_at = utcnow()
    audit.record("mail.retried", mail, {"to": mail.to_address}, user=user)
    _send_after_commit(mail, waited_for=True)  # "Retry now": the answer says how it went
    return mail


# --- Sending right after the commit ----------------------------------------------------------------------

def _send_after_commit(mail: OutboundMail, waited_for: bool = False) -> None:
    db.session.info.setdefault(_QUEUED, []).append(mail.id)
    if waited_for:
        db.session.info.setdefault(_WAITED_FOR, set()).add(mail.id)


@event.listens_for(db.session, "after_commit")
def _committed(session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


@event.listens_for(db.session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_QUEUED, None)  # those rows are gone
    session.info.pop(_WAITED_FOR, None)


def send_committed() -> None:
    """Send the messages committed during this request once its answer is out (the user never
    waits for a mail server or a text gateway); outside a request, now. Never raises: what fails
    waits for cron."""
    ids = db.session.info.pop(_COMMITTED, None)
    waited_for = db.session.info.pop(_WAITED_FOR, set())
    if not ids:
        return
    now = [i for i in ids if i in waited_for]
    ids = [i for i in ids if i not in waited_for]
    if now:  # the user asked for these and waits to hear whether they went
        db.session.commit()
        database.writes_again()
        _deliver_now(now)
    if not ids:
        return
    if has_request_context():
        app = current_app._get_current_object()

        @after_this_request
        def _after_the_answer(response):
            # Runs when the server has written the answer and closes it (WSGI close()).
            response.call_on_close(lambda: _deliver_in(app, ids))
            return response
        return
    db.session.commit()  # end the reading transaction: each send below writes in its own
    _deliver_now(ids)


def _deliver_in(app, ids: list[int]) -> None:
    with app.app_context():
        try:
            _deliver_now(ids)
        finally:
            db.session.remove()


def _deliver_now(ids: list[int]) -> None:
    try:
        deliver(ids)
    except Exception:  # nothing the user asked for may fail over a message: it stays pending, shown
        log.exception("sending messages %s right away failed; `flask notify` will retry", ids)
        db.session.rollback()


# --- Delivery --------------------------------------------------------------------------------------------

def deliver_due(now: datetime | None = None, limit: int = 50) -> Counter:
    """Send the waiting mail whose time has come, oldest first; how many were sent, retrying, failed."""
    now = now or utcnow()
    settle_interrupted(now)
    ids = db.session.scalars(select(OutboundMail.id).where(
        OutboundMail.status == MailStatus.PENDING, OutboundMail.next_attempt_at <= now)
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id).limit(limit)).all()
    return deliver(ids, now)


def settle_interrupted(now: datetime) -> int:
    """Messages left "sending" past their lease: the sender stopped between handing one over and
    writing down that it had. It may have reached the customer, so it is not sent again; it is
    marked failed, saying so, for a person to judge (and retry if it did not arrive)."""
    ids = db.session.scalars(select(OutboundMail.id).where(OutboundMail.status == MailStatus.SENDING,
                                                           OutboundMail.next_attempt_at <= now)).all()
    for mail_id in ids:
        mail = db.session.get(OutboundMail, mail_id)
        with lifecycle.for_the_record():
            reason = _("Sending was interrupted: it may have gone out. Retry only if it did not arrive.")
        _give_up(mail, reason)
    db.session.commit()
    return len(ids)


def deliver(ids: list[int], now: datetime | None = None) -> Counter:
    """One try for each of these messages (those still waiting and due); commits after each."""
    now = now or utcnow()
    outcomes: Counter = Counter()
    backends = {}
    try:
        for mail_id in ids:
            outcomes[_attempt(mail_id, now, backends)] += 1
    finally:
        for backend in backends.values():
            backend.close()
    return outcomes


def _backend(channel: MessageChannel, backends: dict):
    if channel not in backends:
        if channel is MessageChannel.TEXT:
            from fieldapp.services import settings
            backends[channel] = text_transports.backend_for(current_app.config, settings.current().sms_url)
        else:
            backends[channel] = transports.backend_for(current_app.config)
    return backends[channel]


def _attempt(mail_id: int, now: datetime, backends: dict) -> str:
    claimed = db.session.execute(
        update(OutboundMail).where(OutboundMail.id == mail_id, OutboundMail.status == MailStatus.PENDING,
                                   OutboundMail.next_attempt_at <= now)
        .values(attempts=OutboundMail.attempts + 1, next_attempt_at=now + LEASE, status=MailStatus.SENDING)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"  # sent, given up, or held by another sender meanwhile
    mail = db.session.get(OutboundMail, mail_id)
    try:
        if mail.channel is MessageChannel.TEXT:
            _backend(mail.channel, backends).send(text_transports.Text(mail.to_address, mail.body))
        else:
            _backend(mail.channel, backends).send(transports.build_message(mail))
    except Exception as error:  # whatever it was, it is kept on the message and shown in the outbox
        outcome = _failed(mail, error, now)
    else:
        outcome = _sent(mail)
    db.session.commit()
    return outcome


def _sent(mail: OutboundMail) -> str:
    mail.status = MailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = None
    if mail.case_id is not None:
        with lifecycle.for_the_record():
            note = _("“%(subject)s” to %(address)s", subject=mail.subject, address=mail.to_address)
        lifecycle.note_by_id(mail.case_id, "text_sent" if mail.channel is MessageChannel.TEXT else "mail_sent", note)
    return "sent"


def _failed(mail: OutboundMail, error: Exception, now: datetime) -> str:
    reason = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    log.warning("message %s to %s not sent (try %s): %s", mail.id, mail.to_address, mail.attempts, reason)
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"] or getattr(error, "permanent", False):
        _give_up(mail, reason)
        return "failed"
    mail.status = MailStatus.PENDING
    mail.last_error = reason
    mail.next_attempt_at = now + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    return "retrying"


def _give_up(mail: OutboundMail, reason: str) -> None:
    mail.status = MailStatus.FAILED
    mail.last_error = reason
    if mail.case_id is not None:  # on the timeline once, when we give up; the tries before are in the outbox
        with lifecycle.for_the_record():
            note = ngettext("“%(subject)s” to %(address)s, after %(num)d try: %(error)s",
                            "“%(subject)s” to %(address)s, after %(num)d tries: %(error)s", mail.attempts,
                            subject=mail.subject, address=mail.to_address, error=reason)
        lifecycle.note_by_id(mail.case_id, "text_failed" if mail.channel is MessageChannel.TEXT else "mail_failed",
                             note)
