"""Every item the report document lists (read from the document kept in the repository) holds its
values in the report page and the PDF of a case that has them all: the customer's contacts, the
product with specifications and contracts, each service's kind, day, technician with job title and
contact, outcome and parts, the rating per aspect with comments and complaints and how they were
addressed, the warranty's terms, conditions and end, what is covered, future services, the cost
breakdown and payment, actions, follow-ups, preventative measures, summary, next steps, closure."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fieldapp.extensions import db
from fieldapp.models import (
    CaseStatus, Complaint, ComplaintSource, FollowUpRecommendation, Outcome, Rating, RatingSource, Role,
    ServiceType, Visit, VisitStatus,
)
from fieldapp.services import payments
from tests.reading import report_pdf_text, visible_text

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "source" / "after-sale-services-report.txt"


def document_items() -> list[str]:
    """The items under "Key Components", in the document's words ("Service Outcome")."""
    part = DOCUMENT.read_text(encoding="utf-8").split("Key Components", 1)[1].split("Example of an", 1)[0]
    return [line.strip().lstrip("- ").rstrip(":") for line in part.splitlines()
            if line.strip().endswith(":") and not re.match(r"^\d\.", line.strip()) and "typically includes" not in line]


@pytest.fixture
def full_case(app, make):
    """A closed case with something for every item of the document."""
    today = make.today()
    customer = make.customer(name="Joan Doe", phone="+31 6 5555 0101", email="joan@example.test",
                             address="Keizersgracht 12, Amsterdam")
    model = make.product_model(name="LED TV 42", model_number="XYZ123", specifications="42 inch, 4K panel",
                               warranty_terms="Parts and labour for 12 months.",
                               warranty_conditions="Not covered: a cracked screen.")
    asset = make.asset(customer=customer, product_model=model, sales_date=today - timedelta(days=20))
    make.coverage(asset, reference="SC-42", starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=345))
    case = make.case(asset=asset, status=CaseStatus.CLOSED, closed_on=today - timedelta(days=1),
                     resolution_summary="Installed and calibrated; working properly.")
    tech = make.user(Role.TECHNICIAN, name="Alex Johnson", job_title="Installation technician",
                     phone="+31 20 555 0199")
    done = datetime.now(timezone.utc) - timedelta(days=2)
    visit = make.visit(tech, case=case, start=done - timedelta(hours=2), status=VisitStatus.COMPLETED,
                       service_type=ServiceType.INSTALLATION, extra_service_types="maintenance",
                       arrived_at=done - timedelta(hours=2), completed_at=done, labour_minutes=60,
                       outcome=Outcome.RESOLVED, actions_taken="Mounted the set and recalibrated the picture.",
                       preventative_advice="Dust the vents every month.", next_steps="Call in 30 days.",
                       follow_up=FollowUpRecommendation.CALL, follow_up_days=30, transport_cost_cents=2500,
                       other_cost_cents=1200, other_cost_note="Wall bracket")
    make.visit_part(visit, make.part(name="HDMI cable", sku="HDMI-2"), quantity=2, unit_cost_cents=900)
    make.recommendation(visit, what="Update the firmware", due_on=today + timedelta(days=60))
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, overall=4, timeliness=5, professionalism=4, quality=4,
                              product_performance=3, comments="Satisfied, but the settings need explaining.",
                              source=RatingSource.ON_SITE, signer_name="Joan Doe"))
        db.session.add(Complaint(case_id=case.id, source=ComplaintSource.PHONE, description="Came an hour late.",
                                 resolution="Apologised; the next visit is booked first thing.",
                                 resolved_at=datetime.now(timezone.utc)))
        row = db.session.get(Visit, visit.id)
        from fieldapp.services import costs
        costs.store_totals(row)
        payments.bill(row)
        db.session.commit()
    return case.id


# For each item of the document: what its report section must show for the case above.
EXPECTED = {
    "Customer Name and Contact Information": ["Joan Doe", "Keizersgracht 12, Amsterdam", "+31 6 5555 0101",
                                              "joan@example.test"],
    "Product/Service Information": ["LED TV 42", "XYZ123", "42 inch, 4K panel", "Service contract SC-42"],
    "Sales Date": ["Sales Date"],
    "Type of Service Provided": ["Installation and Maintenance"],
    "Service Date": ["Service Date"],
    "Service Provider/Technician": ["Alex Johnson, Installation technician", "+31 20 555 0199"],
    "Service Outcome": ["Resolved"],
    "Parts Replaced (if applicable)": ["HDMI cable", "€18.00"],
    "Customer Satisfaction Rating": ["Product performance", "Timeliness", "Professionalism", "Quality of work",
                                     "4/5", "3/5"],
    "Customer Comments": ["Satisfied, but the settings need explaining."],
    "Complaints or Issues": ["Came an hour late.", "Apologised; the next visit is booked first thing."],
    "Warranty/Service Agreement Details": ["Parts and labour for 12 months.", "Not covered: a cracked screen.",
                                           "SC-42"],
    "Service Coverage": ["parts, labour"],
    "Future Services/Support": ["Update the firmware"],
    "Cost Breakdown": ["Labour", "Parts", "Transportation", "Other costs", "Wall bracket"],
    "Payment Status": ["To be invoiced"],
    "Action Taken": ["Mounted the set and recalibrated the picture."],
    "Follow-Up Actions": ["Call in 30 days"],
    "Preventative Measures": ["Dust the vents every month."],
    "Summary of Service Provided": ["Installed and calibrated; working properly."],
    "Next Steps": ["Call in 30 days.", "Update the firmware"],
    "Closure Date": ["Closure Date"],
}


def test_the_test_knows_every_item_of_the_document():
    assert list(EXPECTED) == document_items()


def _texts(client, case_id) -> dict[str, str]:
    return {"page": visible_text(client.get(f"/cases/{case_id}/report").get_data(as_text=True)),
            "pdf": report_pdf_text(client, case_id)}


def test_every_item_of_the_document_is_in_the_report_page_and_the_pdf(app, client, auth, full_case):
    auth.as_role(Role.DISPATCHER)
    for where, text in _texts(client, full_case).items():
        missing = [(item, value) for item, values in EXPECTED.items() for value in values if value not in text]
        assert missing == [], f"the report {where} lacks {missing}"
