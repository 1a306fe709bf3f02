"""Sending the After-Sale Services Report: to whom by default, and queued with its PDF attached."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from fieldapp import languages
from fieldapp.documents import report as report_document
from fieldapp.models import Case, User
from fieldapp.services import lifecycle, mail, reports

# Why the report went, as the case's timeline says it (callers pass the key).
WHY = {
    "on request": _l("Report emailed to %(address)s (on request)"),
    "case closed": _l("Report emailed to %(address)s (case closed)"),
}


def email(case: Case, to: str, note: str | None, user: User | None, why: str = "on request"):
    """Queue the report for `to` with the PDF attached, and say so on the case's timeline. The
    mail, its subject and the PDF are written in the customer's language."""
    with languages.for_customer(case.customer):
        report = reports.build(case)
        subject = _("After-Sale Services Report %(number)s · %(company)s", number=report.number,
                    company=report.company)
        body = report_document.email_text(report, note)
        attachment = mail.Attachment(report_document.filename(report), "application/pdf",
                                     report_document.render_pdf(report))
    # Out of the customer's language again: what the office reads (a refusal, the timeline) is theirs.
    queued = mail.queue(to, subject, body, "report", case=case, user=user, attachment=attachment,
                        waited_for=why == "on request")  # the office's answer says whether it went
    said = WHY.get(why)
    lifecycle.record(case, "report_emailed", str(said % {"address": queued.to_address}) if said else
                     _("Report emailed to %(address)s (%(why)s)", address=queued.to_address, why=why), user)
    return queued


def recipient(case: Case) -> str | None:
    """Where the report goes by default: the customer's email, else the requester's."""
    if case.customer and case.customer.email:
        return case.customer.email
    return case.contact_email
