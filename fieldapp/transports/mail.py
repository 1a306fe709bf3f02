"""How mail leaves: the message built from an outbox row, and the transports that carry it.

Config MAIL_BACKEND picks one: "smtp" (smtplib, settings MAIL_SERVER...) or "console", which
prints each mail instead of sending it (what `make run` uses: no MAIL_SERVER, no real mail).
"""
from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from fieldapp.models import OutboundMail
from fieldapp.orm import utcnow
from fieldapp.values import is_plain_header_text


class UnsafeHeader(ValueError):
    """A header value that could become more than one header: never sent, never retried."""

    permanent = True


def sender(config) -> str:
    if config.get("MAIL_FROM"):
        return config["MAIL_FROM"]
    host = urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return formataddr((config["COMPANY_NAME"], f"no-reply@{host}"))


def build_message(mail: OutboundMail) -> EmailMessage:
    """The mail as it leaves. Every value put in a header is plain text on one line (checked where
    it was typed too), and the headers as written are checked again, whatever this Python's
    email package does with them (3.11 before 3.11.10 wrote out line breaks decoded from an
    encoded word: CVE-2024-6923)."""
    config = current_app.config
    for refusal, value in ((_("The company name is not plain text on one line: not sent."), config["COMPANY_NAME"]),
                           (_("The address is not plain text on one line: not sent."), mail.to_address),
                           (_("The subject is not plain text on one line: not sent."), mail.subject),
                           (_("The attachment name is not plain text on one line: not sent."),
                            mail.attachment_name or "")):
        if not is_plain_header_text(value):
            raise UnsafeHeader(refusal)
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost")
    if mail.unsubscribe_url:  # RFC 8058: mail clients offer "Unsubscribe", one click, no page
        if not is_plain_header_text(mail.unsubscribe_url):
            raise UnsafeHeader(_("The unsubscribe link is not plain text on one line: not sent."))
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.body)
    if mail.attachment is not None:
        maintype, _slash, subtype = (mail.attachment_type or "application/octet-stream").partition("/")
        message.add_attachment(mail.attachment, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=mail.attachment_name or "attachment")
    _check_written_headers(message)
    return message


def _check_written_headers(message: EmailMessage) -> None:
    """Each header as it will be written is one header: its continuation lines start with a space."""
    for part in message.walk():
        for name, value in part.items():
            lines = part.policy.fold(name, value).rstrip("\r\n").splitlines()
            if any(not line[:1].isspace() for line in lines[1:]):
                raise UnsafeHeader(_("The %(name)s header would break into separate headers: not sent.",
                                     name=name))


class ConsoleBackend:
    """Prints each mail (attachments by name and size) instead of sending it."""

    def close(self) -> None:
        pass

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
    """smtplib: STARTTLS when MAIL_USE_TLS, a TLS connection from the start when MAIL_USE_SSL.
    One connection serves a whole run of deliveries (`close()` ends it): a thousand reminders
    are not a thousand handshakes."""

    def __init__(self, config):
        self.server = config.get("MAIL_SERVER") or "localhost"
        self.port = int(config.get("MAIL_PORT") or (465 if _flag(config.get("MAIL_USE_SSL")) else 25))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.use_tls = _flag(config.get("MAIL_USE_TLS"))
        self.use_ssl = _flag(config.get("MAIL_USE_SSL"))
        self.timeout = float(config.get("MAIL_TIMEOUT") or 10)
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context() if self.use_ssl or self.use_tls else None
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.server, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
        except Exception:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:  # a bounce at the door: trying again will not help
            error.permanent = all(code >= 500 for code, _text in error.recipients.values())
            raise
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            error.permanent = error.smtp_code >= 500
            raise
        except Exception:  # the connection broke: the next message opens a new one
            self._drop()
            raise

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except Exception:  # already gone: nothing to say goodbye to
                pass
            self._drop()


BACKENDS = {"smtp": SmtpBackend, "console": lambda config: ConsoleBackend()}


def backend_for(config):
    return BACKENDS[config["MAIL_BACKEND"]](config)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
