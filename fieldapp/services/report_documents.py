"""The report as documents: the PDF (WeasyPrint lays out the same HTML and CSS as the page) and the
email that carries it."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from fieldapp.models import Case, User
from fieldapp.services import lifecycle, mail, reports
from fieldapp.services.reports import ASPECT_ORDER, CaseReport


def render_html(report: CaseReport) -> str:
    return render_template("reports/pdf.html", report=report, aspects=ASPECT_ORDER)


def render_pdf(report: CaseReport) -> bytes:
    from weasyprint import CSS, HTML  # imported on first use: it loads Pango, which takes a moment

    stylesheet = Path(current_app.static_folder) / "report.css"
    # Nothing is fetched while laying out: the report links no images, fonts or pages.
    return HTML(string=render_html(report), base_url=None, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet))])


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report does not load {url!r}")


def filename(report: CaseReport) -> str:
    return f"after-sale-report-{report.number}.pdf"


def summary_text(report: CaseReport, note: str | None = None) -> str:
    """The email body: a short note, then the summary table as plain text."""
    lines = [f"Dear {report.customer_name},", "",
             note.strip() if note and note.strip() else
             f"Please find attached the After-Sale Services Report for case {report.number}.", ""]
    width = max(len(label) for label, _ in report.example_table())
    lines += [f"{label.ljust(width)}  {value}" for label, value in report.example_table()]
    lines += ["", "Kind regards,", report.company]
    return "\n".join(lines)


def email(case: Case, to: str, note: str | None, user: User | None, why: str = "on request"):
    """Queue the report for `to` with the PDF attached, and say so on the case's timeline."""
    report = reports.build(case)
    queued = mail.queue(to, f"After-Sale Services Report {report.number} · {report.company}",
                        summary_text(report, note), "report", case=case, user=user,
                        attachment=mail.Attachment(filename(report), "application/pdf", render_pdf(report)))
    lifecycle.record(case, "report_emailed", f"Report emailed to {queued.to_address} ({why})", user)
    return queued


def recipient(case: Case) -> str | None:
    """Where the report goes by default: the customer's email, else the requester's."""
    if case.customer and case.customer.email:
        return case.customer.email
    return case.contact_email
