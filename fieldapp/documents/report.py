"""The After-Sale Services Report as documents: the PDF (WeasyPrint lays out the same HTML and CSS
as the page) and the plain text of the email that carries it. Both are written in the language
in force (the caller speaks the customer's: languages.for_customer)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _

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


def email_text(report: CaseReport, note: str | None = None) -> str:
    """The email body: a short note, then the summary table as plain text."""
    lines = [_("Dear %(name)s,", name=report.customer_name), "",
             note.strip() if note and note.strip() else
             _("Please find attached the After-Sale Services Report for case %(number)s.", number=report.number),
             ""]
    table = report.example_table()
    width = max(len(label) for label, _value in table)
    lines += [f"{label.ljust(width)}  {value}" for label, value in table]
    lines += ["", _("Kind regards,"), report.company]
    return "\n".join(lines)
