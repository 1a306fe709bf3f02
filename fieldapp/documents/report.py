"""The After-Sale Services Report as documents: the PDF (WeasyPrint lays out the same HTML and CSS
as the page) and the plain text of the email that carries it. Both are written in the language
in force (the caller speaks the customer's: languages.for_customer)."""
from __future__ import annotations

import re
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
        stylesheets=[CSS(filename=str(stylesheet)), CSS(string=margin_texts())])


def margin_texts() -> str:
    """The running header and the page numbers in the language in force: CSS `content` built
    from whole translated sentences ("Page %(page)s of %(pages)s" -> "Page " counter(page) …)."""
    case = _css_content(_("Case %(number)s", number="%(number)s"), {"number": "string(casenumber)"})
    pages = _css_content(_("Page %(page)s of %(pages)s", page="%(page)s", pages="%(pages)s"),
                         {"page": "counter(page)", "pages": "counter(pages)"})
    return f"@page {{ @top-right {{ content: {case}; }} @bottom-right {{ content: {pages}; }} }}"


def _css_content(message: str, values: dict[str, str]) -> str:
    parts = re.split(r"%\((\w+)\)s", message)  # text, name, text, name, …
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(values[part])
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"')
    return " ".join(out) or '""'



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
