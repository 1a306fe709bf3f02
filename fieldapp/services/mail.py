"""Outgoing email. A mail is a row first (`queue`), written in the same transaction as the change
that causes it, so it exists exactly when that change does. Right after the request commits it is
sent (`send_committed`); whatever could not go out is sent again by `flask send-mail` from cron
(`deliver_due`), with growing pauses. After MAIL_MAX_ATTEMPTS tries a mail is marked failed and
stays in the office's outbox until someone retries it: a failed send is shown, never lost.

Backends (config MAIL_BACKEND): "smtp" (smtplib, settings MAIL_SERVER...) and "console", which
prints each mail instead of sending it (what `make run` uses: no MAIL_SERVER, no real mail).
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import defer

from fieldapp import database
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Case, MailStatus, OutboundMail, User
from fieldapp.orm import utcnow
from fieldapp.params import has_control_characters
from fieldapp.services import audit, lifecycle

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
        raise DomainError("This address cannot receive mail: give one address like name@example.com "
                          "(plain letters, no spaces).", "to", "invalid")
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX or has_control_characters(subject):
        raise DomainError(f"Give a subject of at most {SUBJECT_MAX} characters, on one line.", "subject", "invalid")
    if not (body or "").strip():
        raise DomainError("Write the message.", "body", "invalid")
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
        raise DomainError("This email was sent already.", kind="conflict")
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
    backend = backend_for(current_app.config)
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
        backend.send(build_message(mail))
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
        lifecycle.record(case, "mail_sent", f"“{mail.subject}” to {mail.to_address}")
    return "sent"


def _failed(mail: OutboundMail, error: Exception, now: datetime) -> str:
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    log.warning("mail %s to %s not sent (try %s): %s", mail.id, mail.to_address, mail.attempts, mail.last_error)
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = MailStatus.FAILED
        case = db.session.get(Case, mail.case_id) if mail.case_id else None
        if case is not None:  # on the timeline once, when we give up; the tries before are in the outbox
            lifecycle.record(case, "mail_failed", f"“{mail.subject}” to {mail.to_address}, after "
                                                  f"{mail.attempts} tries: {mail.last_error}")
        return "failed"
    mail.next_attempt_at = now + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    return "retrying"


# --- Messages and backends -------------------------------------------------------------------------------

def sender(config) -> str:
    if config.get("MAIL_FROM"):
        return config["MAIL_FROM"]
    host = urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return formataddr((config["COMPANY_NAME"], f"no-reply@{host}"))


def build_message(mail: OutboundMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost")
    message.set_content(mail.body)
    if mail.attachment is not None:
        maintype, _, subtype = (mail.attachment_type or "application/octet-stream").partition("/")
        message.add_attachment(mail.attachment, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=mail.attachment_name or "attachment")
    return message


class ConsoleBackend:
    """Prints each mail (attachments by name and size) instead of sending it."""

    def send(self, message: EmailMessage) -> None:
        lines = [f"{name}: {value}" for name, value in message.items() if name in ("From", "To", "Subject", "Date")]
        body = message.get_body(("plain",))
        lines += ["", body.get_content().rstrip() if body is not None else ""]
        for part in message.iter_attachments():
            lines.append(f"[attachment: {part.get_filename()}, {part.get_content_type()}, "
                         f"{len(part.get_payload(decode=True))} bytes]")
        rule = "-" * 72
        sys.stdout.write("\n".join([rule, "Mail (console backend, not sent):", *lines, rule]) + "\n")
        sys.stdout.flush()


class SmtpBackend:
    """smtplib: STARTTLS when MAIL_USE_TLS, a TLS connection from the start when MAIL_USE_SSL."""

    def __init__(self, config):
        self.server = config.get("MAIL_SERVER") or "localhost"
        self.port = int(config.get("MAIL_PORT") or (465 if _flag(config.get("MAIL_USE_SSL")) else 25))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.use_tls = _flag(config.get("MAIL_USE_TLS"))
        self.use_ssl = _flag(config.get("MAIL_USE_SSL"))
        self.timeout = float(config.get("MAIL_TIMEOUT") or 10)

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.use_ssl:
            connection = smtplib.SMTP_SSL(self.server, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
        with connection as smtp:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


BACKENDS = {"smtp": SmtpBackend, "console": lambda config: ConsoleBackend()}


def backend_for(config):
    return BACKENDS[config["MAIL_BACKEND"]](config)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


# --- What the office sees --------------------------------------------------------------------------------

OUTBOX_PAGE = 25


@dataclass
class OutboxPage:
    rows: list[tuple[OutboundMail, str | None]]  # the mail and its case's number
    page: int
    pages: int


def counts() -> dict[MailStatus, int]:
    found = dict(db.session.execute(select(OutboundMail.status, func.count(OutboundMail.id))
                                    .group_by(OutboundMail.status)).all())
    return {status: found.get(status, 0) for status in MailStatus}


def outbox(status: MailStatus, page: int, total: int) -> OutboxPage:
    """One page of mail in this status, newest first, without the attachments' bytes."""
    order = (OutboundMail.sent_at.desc(),) if status is MailStatus.SENT else (OutboundMail.created_at.desc(),)
    rows = db.session.execute(
        select(OutboundMail, Case.number).outerjoin(Case, Case.id == OutboundMail.case_id)
        .where(OutboundMail.status == status).options(defer(OutboundMail.attachment))
        .order_by(*order, OutboundMail.id.desc()).offset((page - 1) * OUTBOX_PAGE).limit(OUTBOX_PAGE)).all()
    return OutboxPage([tuple(row) for row in rows], page, max(1, -(-total // OUTBOX_PAGE)))


def trouble_query():
    """Counts mail that gave up, or whose last try failed: what the board warns about."""
    return select(func.count(OutboundMail.id)).where(
        (OutboundMail.status == MailStatus.FAILED)
        | ((OutboundMail.status == MailStatus.PENDING) & OutboundMail.last_error.is_not(None)))


def trouble_count() -> int:
    return db.session.scalar(trouble_query()) or 0


def for_case(case: Case, limit: int = 20) -> list[OutboundMail]:
    return list(db.session.scalars(select(OutboundMail).where(OutboundMail.case_id == case.id)
                                   .options(defer(OutboundMail.attachment))
                                   .order_by(OutboundMail.created_at.desc(), OutboundMail.id.desc()).limit(limit)))
