"""Outgoing email. A mail is a row first (`queue`), written in the same transaction as the change
that causes it, so it exists exactly when that change does. Right after the request commits it is
sent (`send_committed`); whatever could not go out is sent again by `flask send-mail` from cron
(`deliver_due`), with growing pauses. After MAIL_MAX_ATTEMPTS tries a mail is marked failed and
stays in the office's outbox until someone retries it: a failed send is shown, never lost.

How a mail leaves (SMTP, or the console under `make run`) is fieldapp/transports/mail.py; what
the office reads of the outbox is services/outbox.py.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _, ngettext
from sqlalchemy import event, select, update

from fieldapp import database
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Case, MailStatus, OutboundMail, User
from fieldapp.orm import utcnow
from fieldapp.values import HEADER_MESSAGE, has_control_characters, is_plain_header_text
from fieldapp.services import audit, lifecycle
from fieldapp.transports import mail as transports

log = logging.getLogger(__name__)

# Pause after the 1st, 2nd, ... failed try; the last one repeats until MAIL_MAX_ATTEMPTS.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 240))
# A mail being sent is held this long, so a second sender (cron next to a request) leaves it be;
# a sender that died mid-way gives it back when the time is up.
LEASE = timedelta(minutes=10)
# An address smtplib can put in a header as it is: ASCII, one recipient, no display name.
ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
SUBJECT_MAX = 300
ERROR_MAX = 1000

_QUEUED = "fieldapp.mail.queued"  # session.info: ids queued in the open transaction
_COMMITTED = "fieldapp.mail.committed"  # ... and those whose transaction committed: send now


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


def valid_address(address: str) -> bool:
    return len(address) <= 254 and bool(ADDRESS_RE.match(address))


def queue(to: str, subject: str, body: str, kind: str, case: Case | None = None,
          attachment: Attachment | None = None, user: User | None = None) -> OutboundMail:
    """A mail to send once the caller's transaction commits."""
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
                        status=MailStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    if attachment is not None:
        mail.attachment_name, mail.attachment_type, mail.attachment = (
            attachment.name, attachment.content_type, attachment.data)
    db.session.add(mail)
    db.session.flush()
    _send_after_commit(mail)
    return mail


def retry(mail: OutboundMail, user: User | None = None) -> OutboundMail:
    """Try again now: a failed mail starts its tries afresh; a waiting one skips its pause."""
    if mail.status is MailStatus.SENT:
        raise DomainError(_("This email was sent already."), kind="conflict")
    if mail.status is MailStatus.FAILED:
        mail.attempts = 0
    mail.status = MailStatus.PENDING
    mail.next_attempt_at = utcnow()
    audit.record("mail.retried", mail, {"to": mail.to_address}, user=user)
    _send_after_commit(mail)
    return mail


# --- Sending right after the commit ----------------------------------------------------------------------

def _send_after_commit(mail: OutboundMail) -> None:
    db.session.info.setdefault(_QUEUED, []).append(mail.id)


@event.listens_for(db.session, "after_commit")
def _committed(session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


@event.listens_for(db.session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_QUEUED, None)  # those rows are gone


def send_committed() -> None:
    """Send the mail committed during this request, now; never raises (what fails waits for cron)."""
    ids = db.session.info.pop(_COMMITTED, None)
    if not ids:
        return
    db.session.commit()  # end the answer's reading transaction: each send below writes in its own
    database.writes_again()
    try:
        deliver(ids)
    except Exception:  # the page the user asked for must not fail over a mail: it stays pending, shown
        log.exception("sending mail %s right away failed; `flask send-mail` will retry", ids)
        db.session.rollback()


# --- Delivery --------------------------------------------------------------------------------------------

def deliver_due(now: datetime | None = None, limit: int = 50) -> Counter:
    """Send the waiting mail whose time has come, oldest first; how many were sent, retrying, failed."""
    now = now or utcnow()
    ids = db.session.scalars(select(OutboundMail.id).where(
        OutboundMail.status == MailStatus.PENDING, OutboundMail.next_attempt_at <= now)
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id).limit(limit)).all()
    return deliver(ids, now)


def deliver(ids: list[int], now: datetime | None = None) -> Counter:
    """One try for each of these mails (those still waiting and due); commits after each."""
    now = now or utcnow()
    outcomes: Counter = Counter()
    backend = transports.backend_for(current_app.config)
    for mail_id in ids:
        outcomes[_attempt(mail_id, now, backend)] += 1
    return outcomes


def _attempt(mail_id: int, now: datetime, backend) -> str:
    claimed = db.session.execute(
        update(OutboundMail).where(OutboundMail.id == mail_id, OutboundMail.status == MailStatus.PENDING,
                                   OutboundMail.next_attempt_at <= now)
        .values(attempts=OutboundMail.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return "skipped"  # sent, given up, or held by another sender meanwhile
    mail = db.session.get(OutboundMail, mail_id)
    try:
        backend.send(transports.build_message(mail))
    except Exception as error:  # whatever it was, it is kept on the mail and shown in the outbox
        outcome = _failed(mail, error, now)
    else:
        outcome = _sent(mail)
    db.session.commit()
    return outcome


def _sent(mail: OutboundMail) -> str:
    mail.status = MailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = None
    case = db.session.get(Case, mail.case_id) if mail.case_id else None
    if case is not None:
        lifecycle.record(case, "mail_sent", _("“%(subject)s” to %(address)s", subject=mail.subject,
                                                address=mail.to_address))
    return "sent"


def _failed(mail: OutboundMail, error: Exception, now: datetime) -> str:
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    log.warning("mail %s to %s not sent (try %s): %s", mail.id, mail.to_address, mail.attempts, mail.last_error)
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"] or getattr(error, "permanent", False):
        mail.status = MailStatus.FAILED
        case = db.session.get(Case, mail.case_id) if mail.case_id else None
        if case is not None:  # on the timeline once, when we give up; the tries before are in the outbox
            lifecycle.record(case, "mail_failed", ngettext(
                "“%(subject)s” to %(address)s, after %(num)d try: %(error)s",
                "“%(subject)s” to %(address)s, after %(num)d tries: %(error)s", mail.attempts,
                subject=mail.subject, address=mail.to_address, error=mail.last_error))
        return "failed"
    mail.next_attempt_at = now + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    return "retrying"
