"""The After-Sale Services Report in a browser: from a closed case to the report page, its print
layout, and the PDF it downloads (read back with pypdf)."""
import io
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus
from tests.browser.conftest import sign_in


def _closed_case_with_visit(app) -> tuple[int, str]:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.status == CaseStatus.CLOSED, Case.visits.any())
                                 .order_by(Case.id.desc()))
        return case.id, case.number


def test_a_dispatcher_reads_prints_and_downloads_the_report(page, server, live_app, csp_violations):
    case_id, number = _closed_case_with_visit(live_app)
    sign_in(page, server, "dispatcher@demo.test")
    page.goto(server.url + f"/cases/{case_id}")
    page.get_by_role("link", name="After-Sale Services Report").click()
    expect(page.get_by_role("heading", name="After-Sale Services Report")).to_be_visible()
    for heading in ("1. Customer Details", "2. Service Details", "3. Customer Feedback",
                    "4. Warranty/Service Contract Information", "5. Costs Incurred",
                    "6. Actions Taken and Recommendations", "7. Conclusion and Next Steps"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("row", name="Closure Date")).to_be_visible()

    # Printed, the office's buttons and the navigation stay off the paper.
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="1. Customer Details")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"after-sale-report-{number}.pdf"
    data = Path(download.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "7. Conclusion and Next Steps" in text and number in text
    assert csp_violations == []
