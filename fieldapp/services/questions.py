"""Answering a customer by email from the case page: the mail is queued with the case's change
(sent right after the commit, retried when it does not go out) and the answer goes on the timeline."""
from __future__ import annotations

from flask import current_app

from fieldapp.models import Case, CaseStatus, CaseType, OutboundMail, User
from fieldapp.services import audit, desk, lifecycle, mail


def answer_address(case: Case) -> str | None:
    """Where an answer goes: the address the requester gave, else the customer's."""
    return case.contact_email or (case.customer.email if case.customer else None)


def default_subject(case: Case) -> str:
    about = "question" if case.case_type is CaseType.QUESTION else "request"
    return f"Re: your {about} ({case.number})"


def default_body(case: Case, by: User) -> str:
    """A greeting, room for the answer, a signature, and what they asked, quoted."""
    name = case.contact_name or (case.customer.name if case.customer else "")
    quoted = "\n".join(f"> {line}" for line in (case.description or "").splitlines())
    return (f"Hello {name},\n\n\n\nKind regards,\n{by.name}\n{current_app.config['COMPANY_NAME']}\n\n"
            f"You wrote:\n{quoted}\n").replace("Hello ,", "Hello,")


def answer(case: Case, to: str, subject: str, body: str, resolve: bool, by: User) -> OutboundMail:
    out = mail.queue(to, subject, body, "answer", case=case, user=by)
    lifecycle.record(case, "answered", f"To {out.to_address}: {out.subject}\n{out.body.strip()}", by)
    if resolve and case.status is not CaseStatus.RESOLVED:
        desk.resolve(case, f"Answered by email: {out.subject}", by)
    audit.record("case.answered", case, {"mail": out.id, "resolved": bool(resolve)}, user=by)
    return out
