"""The After-Sale Services Report for a customer who reads Chinese: the PDF is in Chinese, set
in a CJK font (glyphs, not boxes), whoever in the office prints it."""
from __future__ import annotations

import io
import re

from babel.messages.pofile import read_po
from pypdf import PdfReader

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import Case, Customer, Role
from tests.reports.test_reports import closed_case  # noqa: F401  (fixture)

HEADINGS = ("1. Customer Details", "2. Service Details", "3. Customer Feedback")


def chinese(msgid: str) -> str:
    with (languages.TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale="zh_Hans")[msgid].string


def fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def test_the_pdf_speaks_the_customers_chinese_with_real_glyphs(app, client, auth, closed_case):  # noqa: F811
    with app.app_context():
        case = db.session.get(Case, closed_case)
        db.session.get(Customer, case.customer_id).language = "zh_Hans"
        db.session.commit()
    auth.as_role(Role.DISPATCHER)  # an English-speaking dispatcher prints it

    response = client.get(f"/cases/{closed_case}/report.pdf")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for heading in HEADINGS:
        assert chinese(heading) in text, heading
        assert heading not in text
    assert any("WenQuanYi" in name for name in fonts(reader)), fonts(reader)


def test_the_report_page_in_the_office_stays_in_the_dispatchers_language(client, auth, closed_case, app):  # noqa: F811
    with app.app_context():
        case = db.session.get(Case, closed_case)
        db.session.get(Customer, case.customer_id).language = "zh_Hans"
        db.session.commit()
    auth.as_role(Role.DISPATCHER)
    page = client.get(f"/cases/{closed_case}/report").get_data(as_text=True)
    assert "1. Customer Details" in page and "2. Service Details" in page
