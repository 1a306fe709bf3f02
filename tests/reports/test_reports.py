"""The After-Sale Services Report: every heading and field of the report document on the page and
in the PDF, each section saying so when empty, and sent by email with the PDF attached."""
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import ImageChops
from pypdf import PdfReader
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Complaint, ComplaintSource, Rating, RatingSource, Role, VisitStatus
from tests.conftest import Auth, Factory, csrf_token_from
from tests.mailbox import smtp_server  # noqa: F401  (fixture)

# The report document the product is built to (kept in the repository: a test reads nothing outside it).
SEED = Path(__file__).resolve().parents[2] / "docs" / "source" / "after-sale-services-report.txt"
# The document's numbered sections and, under each, the sub-headings it lists (its own words).
SECTIONS = {
    "1. Customer Details": ["Customer Name and Contact Information", "Product/Service Information", "Sales Date"],
    "2. Service Details": ["Type of Service Provided", "Service Date", "Service Provider/Technician",
                           "Service Outcome", "Parts Replaced"],
    "3. Customer Feedback": ["Customer Satisfaction Rating", "Customer Comments", "Complaints or Issues"],
    "4. Warranty/Service Contract Information": ["Warranty/Service Agreement Details", "Service Coverage",
                                                 "Future Services/Support"],
    "5. Costs Incurred": ["Cost Breakdown", "Payment Status"],
    "6. Actions Taken and Recommendations": ["Action Taken", "Follow-Up Actions", "Preventative Measures"],
    "7. Conclusion and Next Steps": ["Summary of Service Provided", "Next Steps", "Closure Date"],
}


def example_columns() -> list[str]:
    """The example table's row labels, read from the document itself."""
    text = SEED.read_text(encoding="utf-8")
    table = text.split("Example of an After-Sale Services Report", 1)[1].split("Benefits of", 1)[0]
    return [line.split("|")[0].strip() for line in table.splitlines()
            if "|" in line and not line.startswith("---") and line.split("|")[0].strip()]


def test_the_document_is_where_the_test_reads_it():
    assert example_columns()[:3] == ["Customer Name", "Product Purchased", "Sales Date"]
    assert len(example_columns()) == 15
    text = SEED.read_text(encoding="utf-8")
    for section, subs in SECTIONS.items():
        assert section in text
        for sub in subs:
            assert sub in text


@pytest.fixture
def closed_case(app, make):
    """A closed case like the report document's example: a rated, costed visit, a part, a complaint."""
    today = make.today()
    asset = make.asset(sales_date=today - timedelta(days=40))
    case = make.case(asset=asset, status=CaseStatus.CLOSED, closed_on=today - timedelta(days=1),
                     resolution_summary="Installed and calibrated; working properly.")
    done = datetime.now(timezone.utc) - timedelta(days=2)
    visit = make.visit(case=case, start=done - timedelta(hours=1), status=VisitStatus.COMPLETED, arrived_at=done - timedelta(hours=1),
                       completed_at=done, actions_taken="Replaced the pump and recalibrated.",
                       preventative_advice="Descale every three months.", transport_cost_cents=2500,
                       other_cost_cents=1500, other_cost_note="Disposal of the old pump")
    make.visit_part(visit, make.part(name="Drain pump", sku="PUMP-1"), quantity=2, covered=True)
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, overall=4, timeliness=5, professionalism=4, quality=4,
                              product_performance=3, comments="Satisfied, but the settings need explaining.",
                              source=RatingSource.ON_SITE, signer_name="J. Doe", signature_svg="M10 10 L100 50"))
        db.session.add(Complaint(case_id=case.id, source=ComplaintSource.PHONE, description="Came late, twice.",
                                 resolution="Apologised; next visit booked first thing.",
                                 customer_response="Accepted the apology.", resolved_at=datetime.now(timezone.utc)))
        db.session.commit()
    return case.id


def _report(client, case_id) -> str:
    response = client.get(f"/cases/{case_id}/report")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_page_shows_every_heading_and_column_of_the_document_in_order(app, client, auth, closed_case):
    auth.as_role(Role.DISPATCHER)
    text = _text(_report(client, closed_case))
    position = 0
    for section, subs in SECTIONS.items():
        position = text.index(section, position)
        for sub in subs:
            position = text.index(sub, position)  # each in the document's order
    for column in example_columns():
        assert f"{column} " in text.split("1. Customer Details")[0], column  # the summary table comes first


def test_the_report_holds_the_case_facts(app, client, auth, closed_case):
    auth.as_role(Role.DISPATCHER)
    with app.app_context():
        case = db.session.get(Case, closed_case)
        visit = case.visits[0]
        facts = [case.number, case.customer.name, case.asset.serial_number, case.asset.product_model.model_number,
                 visit.technician.name, visit.technician.email]
    page = _report(client, closed_case)
    for fact in facts + ["Came late, twice.", "Accepted the apology.", "Drain pump", "PUMP-1",
                         "Replaced the pump and recalibrated.", "Descale every three months.",
                         "Satisfied, but the settings need explaining.", "Disposal of the old pump",
                         "Installed and calibrated; working properly.", "Signed by J. Doe"]:
        assert fact in page, fact
    assert "4/5 stars" in page
    assert "M10 10 L100 50" in page  # the signature, drawn from its stored path
    text = _text(page)
    assert "Transportation €25.00" in text and "Other costs €15.00" in text


def test_empty_sections_say_so(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.NEW)
    page = _report(client, case.id)
    assert "The customer has not rated a visit." in page
    assert "No visit was needed" in page
    assert "The case is still open." in page
    for section in SECTIONS:
        assert section in _text(page)


def test_the_pdf_carries_the_same_report(app, client, auth, closed_case):
    auth.as_role(Role.DISPATCHER)
    response = client.get(f"/cases/{closed_case}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "report-C-" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for section, subs in SECTIONS.items():
        assert section in text
        for sub in subs:
            assert sub in text, sub
    for column in example_columns():
        assert column in text, column
    with app.app_context():
        number = db.session.get(Case, closed_case).number
    assert f"Case {number}" in text  # the running header
    assert f"Page 1 of {len(reader.pages)}" in text


ZIGZAG = "M10 190 L150 10 L290 190 L430 10 L570 190"  # filled, it would be three solid triangles


def _pdf_pixels(client, case_id, signature: str) -> list:
    """The PDF's pages as grey pixels (PDFium), with this signature stored."""
    import pypdfium2

    with client.application.app_context():
        db.session.scalar(select(Rating)).signature_svg = signature
        db.session.commit()
    document = pypdfium2.PdfDocument(client.get(f"/cases/{case_id}/report.pdf").data)
    try:
        return [page.render(scale=2).to_pil().convert("L") for page in document]
    finally:
        document.close()


def test_the_signature_prints_as_thin_strokes_not_filled_shapes(client, auth, closed_case):
    """WeasyPrint ignores CSS fill and stroke on SVG shapes: the signature is drawn by attributes."""
    auth.as_role(Role.DISPATCHER)
    for _attempt in range(3):  # the report says when it was printed (to the minute): both in one minute
        minute = datetime.now().replace(second=0, microsecond=0)
        blank = _pdf_pixels(client, closed_case, "M0 0")
        signed = _pdf_pixels(client, closed_case, ZIGZAG)
        if datetime.now().replace(second=0, microsecond=0) == minute:
            break
    assert len(blank) == len(signed)

    marks = [ImageChops.difference(before, after).point(lambda v: 255 if v > 64 else 0)
             for before, after in zip(blank, signed)]
    [signature] = [mark for mark in marks if mark.getbbox()]  # on one page, and nothing else moved
    left, top, right, bottom = signature.getbbox()
    ink, box = signature.histogram()[255], (right - left) * (bottom - top)
    # Three filled triangles cover about half their box; five strokes about a tenth.
    assert ink / box < 0.2, f"{ink} inked pixels in a box of {box}"
    assert right - left > 2 * (bottom - top)  # the signature's shape: wider than tall


def test_the_report_writes_every_day_one_way(app, client, auth, closed_case):
    auth.as_role(Role.DISPATCHER)
    with app.app_context():
        case = db.session.get(Case, closed_case)
        closed, sold = case.closed_on, case.asset.sales_date
    page = _text(_report(client, closed_case))
    for day in (closed, sold):
        assert day.strftime("%-d %b %Y") in page
        assert day.isoformat() not in page


def test_technicians_and_the_public_cannot_read_reports(app, client, auth, make):
    case = make.case()
    assert client.get(f"/cases/{case.id}/report").status_code == 302
    auth.as_role(Role.TECHNICIAN)
    assert client.get(f"/cases/{case.id}/report").status_code == 403
    assert client.get(f"/cases/{case.id}/report.pdf").status_code == 403


def test_a_missing_case_is_404(app, client, auth):
    auth.as_role(Role.DISPATCHER)
    assert client.get("/cases/999999/report").status_code == 404
    assert client.get("/cases/999999/report.pdf").status_code == 404


def test_a_bad_address_is_refused_with_the_note_kept(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case()
    token = csrf_token_from(_report(client, case.id))
    response = client.post(f"/cases/{case.id}/report/email", data={"csrf_token": token, "to": "not an address",
                                                                  "note": "Here is your report"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Here is your report" in page
    with app.app_context():
        assert db.session.get(Case, case.id).events == []


@pytest.fixture
def smtp_app(new_app, smtp_server):  # noqa: F811
    return new_app(**smtp_server.config())


def test_the_report_is_emailed_on_request_with_the_pdf_attached(smtp_app, smtp_server, closed_case_in):  # noqa: F811
    client, case_id = closed_case_in(smtp_app)
    token = csrf_token_from(client.get(f"/cases/{case_id}/report").get_data(as_text=True))
    response = client.post(f"/cases/{case_id}/report/email", data={
        "csrf_token": token, "to": "owner@example.com", "note": "As promised on the phone."})
    assert response.status_code == 303
    assert "Report sent to owner@example.com." in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = smtp_server.messages
    assert message["To"] == "owner@example.com"
    body = message.get_body(("plain",)).get_content()
    assert "As promised on the phone." in body and "Customer Name" in body and "Closure Date" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages)
    assert "7. Conclusion and Next Steps" in pdf_text
    with smtp_app.app_context():
        notes = [e.note for e in db.session.get(Case, case_id).events if e.kind == "report_emailed"]
    assert notes == ["Report emailed to owner@example.com (on request)"]


def test_closing_a_case_emails_the_report_when_the_company_wants_it(smtp_app, smtp_server, closed_case_in):  # noqa: F811
    from fieldapp.services import settings

    client, case_id = closed_case_in(smtp_app, status=CaseStatus.RESOLVED)
    with smtp_app.app_context():
        settings.editable().email_report_on_close = True
        db.session.commit()
        customer_email = db.session.get(Case, case_id).customer.email
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    response = client.post(f"/cases/{case_id}/close", data={
        "csrf_token": csrf_token_from(page), "summary": "All done.", "closed_on": str(Factory(smtp_app).today())})
    assert response.status_code == 303
    [message] = smtp_server.messages
    assert message["To"] == customer_email
    assert [a.get_content_type() for a in message.iter_attachments()] == ["application/pdf"]


@pytest.fixture
def closed_case_in(make):
    """A signed-in dispatcher's client and a finished case with a visit, in a given app."""
    def build(app, status=CaseStatus.CLOSED):
        factory = Factory(app)
        asset = factory.asset()
        case = factory.case(asset=asset, status=status, closed_on=factory.today() if status is CaseStatus.CLOSED else None,
                            resolution_summary="Done.")
        factory.visit(case=case, status=VisitStatus.COMPLETED, completed_at=datetime.now(timezone.utc))
        client = app.test_client()
        Auth(client, factory).as_role(Role.DISPATCHER)
        return client, case.id
    return build
