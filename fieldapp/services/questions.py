"""Answering a customer by email from the case page: the mail is queued with the case's change
(sent right after the commit, retried when it does not go out) and the answer goes on the timeline."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from fieldapp import languages
from fieldapp.models import Case, CaseStatus, CaseType, OutboundMail, User
from fieldapp.services import audit, desk, lifecycle, mail


def answer_address(case: Case) -> str | None:
    """Where an answer goes: the address the requester gave, else the customer's."""
    return case.contact_email or (case.customer.email if case.customer else None)


def default_subject(case: Case) -> str:
    """In the customer's language (else the company's), as the answer will be."""
    with languages.for_customer(case.customer):
        if case.case_type is CaseType.QUESTION:
            return _("Re: your question (%(number)s)", number=case.number)
        return _("Re: your request (%(number)s)", number=case.number)


def default_body(case: Case, by: User) -> str:
    """A greeting, room for the answer, a signature, and what they asked, quoted; in the
    customer's language (else the company's)."""
    name = case.contact_name or (case.customer.name if case.customer else "")
    quoted = "\n".join(f"> {line}" for line in (case.description or "").splitlines())
    with languages.for_customer(case.customer):
        greeting = _("Hello %(name)s,", name=name) if name else _("Hello,")
        regards, wrote = _("Kind regards,"), _("You wrote:")
    return f"{greeting}\n\n\n\n{regards}\n{by.name}\n{current_app.config['COMPANY_NAME']}\n\n{wrote}\n{quoted}\n"


def answer(case: Case, to: str, subject: str, body: str, resolve: bool, by: User) -> OutboundMail:
    out = mail.queue(to, subject, body, "answer", case=case, user=by)
    with lifecycle.for_the_record():
        heading = _("To %(address)s: %(subject)s", address=out.to_address, subject=out.subject)
        summary = _("Answered by email: %(subject)s", subject=out.subject)
    lifecycle.record(case, "answered", f"{heading}\n{out.body.strip()}", by)
    if resolve and case.status is not CaseStatus.RESOLVED:
        desk.resolve(case, summary, by)
    audit.record("case.answered", case, {"mail": out.id, "resolved": bool(resolve)}, user=by)
    return out
