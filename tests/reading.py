"""Reading pages and PDFs the way a person does: the words, not the markup."""
import html
import io
import re

from pypdf import PdfReader


def visible_text(page: str) -> str:
    """A page's text with its tags dropped, entities read and whitespace collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def pdf_text(data: bytes) -> str:
    """All pages of a PDF as one line of text."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def report_pdf_text(client, case_id: int) -> str:
    response = client.get(f"/cases/{case_id}/report.pdf")
    assert response.status_code == 200
    return pdf_text(response.data)
