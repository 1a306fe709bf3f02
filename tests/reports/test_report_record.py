"""What is recorded on a case reaches its After-Sale Services Report, page and PDF: the request
and its assessment, remote support, a visit that could not be completed, the serials of parts,
returns and refunds, the service targets, the coverage on the day of the service and a
maintenance date that has passed."""
from datetime import datetime, timedelta, timezone


from fieldapp.extensions import db
from fieldapp.models import (
    Case, CaseStatus, Channel, CoverageKind, NotCompletedReason, Priority, RemoteSupportOutcome, ReturnDecision, ReturnRequest,
    ReturnStatus, Role, User, Visit, VisitStatus,
)
from fieldapp.services import desk, returns, visits
from tests.reading import visible_text as _text, report_pdf_text as _pdf


def _page(client, case_id: int) -> str:
    response = client.get(f"/cases/{case_id}/report")
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def _summary_row(text: str, label: str, next_label: str) -> str:
    return text.split(f" {label} ", 1)[1].split(f" {next_label} ", 1)[0]


def test_the_request_and_its_assessment_are_on_the_report(app, client, auth, make):
    dispatcher = auth.as_role(Role.DISPATCHER)
    case = make.case(channel=Channel.EMAIL, contact_name="Noor van Dijk", preferred_time="Mornings before 11",
                     status=CaseStatus.NEW, description="The dryer smells of burning.")
    with app.app_context():
        desk.assess(db.session.get(Case, case.id), "Heater element likely: needs a visit", "Heating",
                    Priority.HIGH, CaseStatus.VISIT_NEEDED, db.session.get(User, dispatcher.id))
        db.session.commit()
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "The Request" in text
        assert "Came in by Email," in text
        assert "Requester Noor van Dijk" in text
        assert "The dryer smells of burning." in text
        assert "Preferred time Mornings before 11" in text
        assert "Assessment Heater element likely: needs a visit" in text
        assert "Category Heating" in text


def test_a_case_solved_remotely_reports_the_troubleshooting_given(app, client, auth, make):
    dispatcher = auth.as_role(Role.DISPATCHER, name="Dana Desk")
    case = make.case(status=CaseStatus.NEW)
    with app.app_context():
        row, by = db.session.get(Case, case.id), db.session.get(User, dispatcher.id)
        desk.log_remote_support(row, Channel.PHONE, "Customer reset the breaker and cleaned the filter",
                                RemoteSupportOutcome.SOLVED, by)
        db.session.commit()
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "Service Provided Troubleshooting (remote)" in text
        assert "No visit" not in text
        assert "Dana Desk, remote support" in text
        assert "Remote support 1: Troubleshooting" in text
        assert "Troubleshooting, remotely by Phone" in text
        assert "Customer reset the breaker and cleaned the filter" in text
        assert "Service Outcome Solved remotely" in text
    page = _page(client, case.id)
    actions = page.split("Action Taken", 1)[1].split("Follow-Up Actions", 1)[0]
    assert "remote support by Phone: Customer reset the breaker and cleaned the filter (Solved remotely)" in actions


def test_a_visit_that_could_not_be_completed_says_why(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.SCHEDULED)
    start = datetime.now(timezone.utc) - timedelta(hours=3)
    visit = make.visit(case=case, start=start, status=VisitStatus.ON_SITE, arrived_at=start)
    with app.app_context():
        visits.not_complete(db.session.get(Visit, visit.id), NotCompletedReason.PARTS_NEEDED,
                            "Needs a new control board; ordered.")
        db.session.commit()
        reason = NotCompletedReason.PARTS_NEEDED.label
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert f"Could not complete: {reason}. Needs a new control board; ordered." in text
        assert "Not recorded yet" not in text
    summary = _page(client, case.id)
    assert f"Service Outcome Could not complete: {reason}." in summary


def test_part_serials_are_on_the_report(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.RESOLVED)
    start = datetime.now(timezone.utc) - timedelta(days=1)
    visit = make.visit(case=case, start=start, status=VisitStatus.COMPLETED, arrived_at=start, completed_at=start)
    make.visit_part(visit, make.part(name="Control board"), faulty_serial="CB-OLD-7781",
                    replacement_serial="CB-NEW-9902")
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "Faulty serial: CB-OLD-7781" in text
        assert "Replacement serial: CB-NEW-9902" in text


def test_a_refund_is_in_the_costs_not_free(app, client, auth, make):
    admin = auth.as_role(Role.ADMIN)
    asset = make.asset(sales_date=make.today() - timedelta(days=10))
    case = make.case(asset=asset, status=CaseStatus.NEW)
    ret = make.return_request(case, reason="Too loud for the flat")
    with app.app_context():
        by = db.session.get(User, admin.id)
        row = db.session.get(ReturnRequest, ret.id)
        returns.approve(row, ReturnDecision.REFUND, 89900, None, by)
        returns.mark_received(row, "Back in the box", by)
        returns.complete(row, 89900, True, by)
        db.session.commit()
        assert row.status is ReturnStatus.REFUNDED
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "Returns and Refunds" in text
        assert "Too loud for the flat" in text
        assert "Eligible: Within the 30-day return period" in text
        assert "Decision Refund" in text
        assert "€899.00 refunded to the customer" in text
    page = _page(client, case.id)
    cost = _summary_row(page, "Cost Incurred", "Next Steps")
    assert cost == "€899.00 refunded to the customer"
    assert "Nothing charged" not in page


def test_the_service_targets_and_whether_they_were_met(app, client, auth, make):
    dispatcher = auth.as_role(Role.DISPATCHER)
    asset = make.asset()
    make.coverage(asset, reference="SC-77", response_hours=4, resolution_hours=48,
                  starts_on=make.today() - timedelta(days=30))
    opened = datetime.now(timezone.utc) - timedelta(hours=2)
    case = make.case(asset=asset, status=CaseStatus.NEW, created_at=opened)
    with app.app_context():
        desk.assess(db.session.get(Case, case.id), "Look at it", None, Priority.NORMAL, CaseStatus.VISIT_NEEDED,
                    db.session.get(User, dispatcher.id))
        db.session.commit()
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "Service Targets" in text
        assert "Targets from: Contract SC-77." in text
        assert "First response within 4 hours: met on" in text
        assert "Resolution within 48 hours: On track (still running)." in text


def test_the_summary_gives_the_coverage_on_the_day_of_the_service_not_today(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()
    asset = make.asset(sales_date=today - timedelta(days=900), warranty=False)
    make.coverage(asset, kind=CoverageKind.STANDARD_WARRANTY, starts_on=today - timedelta(days=900),
                  ends_on=today - timedelta(days=170))
    make.coverage(asset, kind=CoverageKind.EXTENDED_WARRANTY, reference="EXT-1", starts_on=today - timedelta(days=20),
                  ends_on=today + timedelta(days=700))
    case = make.case(asset=asset, status=CaseStatus.RESOLVED)
    served = datetime.now(timezone.utc) - timedelta(days=60)
    make.visit(case=case, start=served, status=VisitStatus.COMPLETED, arrived_at=served, completed_at=served)
    page = _page(client, case.id)
    coverage = _summary_row(page, "Warranty Coverage", "Cost Incurred")
    assert "EXT-1" not in coverage
    assert coverage.startswith("No warranty or contract on ")
    assert "Today: Extended warranty covers" in page  # section 4 still tells what holds today


def test_a_maintenance_date_that_has_passed_reads_was_due(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()
    model = make.product_model(maintenance_interval_months=6)
    asset = make.asset(product_model=model, sales_date=today - timedelta(days=400))
    case = make.case(asset=asset, status=CaseStatus.NEW)
    for text in (_page(client, case.id), _pdf(client, case.id)):
        assert "Maintenance was due on" in text
        assert "Next maintenance due" not in text
