"""Sending the After-Sale Services Report: to whom by default, and queued with its PDF attached."""
from __future__ import annotations

from fieldapp.documents import report as report_document
from fieldapp.models import Case, User
from fieldapp.services import lifecycle, mail, reports


def email(case: Case, to: str, note: str | None, user: User | None, why: str = "on request"):
    """Queue the report for `to` with the PDF attached, and say so on the case's timeline."""
    report = reports.build(case)
    queued = mail.queue(to, f"After-Sale Services Report {report.number} · {report.company}",
                        report_document.email_text(report, note), "report", case=case, user=user,
                        attachment=mail.Attachment(report_document.filename(report), "application/pdf",
                                                   report_document.render_pdf(report)))
    lifecycle.record(case, "report_emailed", f"Report emailed to {queued.to_address} ({why})", user)
    return queued


def recipient(case: Case) -> str | None:
    """Where the report goes by default: the customer's email, else the requester's."""
    if case.customer and case.customer.email:
        return case.customer.email
    return case.contact_email
