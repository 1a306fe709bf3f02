"""The visit page and workflow: steps, captured fields, completion, coverage and cost."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    AuditEvent, Case, CaseStatus, Coverage, CoverageKind, FollowUp, FollowUpKind, Outcome,
    PaymentStatus, Role, Visit, VisitStatus,
)
from tests.conftest import HX, cid


def load(app, visit_id) -> Visit:
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        db.session.expunge(visit)
        return visit


def step(client, visit, name, **data):
    return client.post(f"/visits/{visit.id}/{name}", data={"client_id": cid(), **data})


def save(client, visit, field, headers=None, **data):
    return client.post(f"/visits/{visit.id}/fields/{field}", data={"client_id": cid(), **data}, headers=headers)


@pytest.fixture
def tech(auth):
    return auth.as_role(Role.TECHNICIAN)


@pytest.fixture
def on_site(app, make, tech):
    """A visit of the signed-in technician, arrived 45 minutes ago."""
    arrived = datetime.now(timezone.utc) - timedelta(minutes=45)
    return make.visit(tech, status=VisitStatus.ON_SITE, start=arrived - timedelta(minutes=10),
                      travel_started_at=arrived - timedelta(minutes=30), arrived_at=arrived)


def test_visit_page_shows_problem_contact_and_the_assets_history(app, client, make, tech):
    customer = make.customer(name="Grace Hopper", phone="+31 6 9999 0000")
    asset = make.asset(customer=customer, serial_number="HP9-0001")
    earlier = make.visit(make.user(Role.TECHNICIAN, name="Old Tech"), make.case(asset=asset),
                         start=datetime.now(timezone.utc) - timedelta(days=90), status=VisitStatus.COMPLETED,
                         outcome=Outcome.RESOLVED, actions_taken="Replaced the fan motor")
    make.visit_part(earlier, make.part(name="Fan motor"))
    visit = make.visit(tech, make.case(asset=asset, description="Fan is loud again"))

    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert "Grace Hopper" in html and "Fan is loud again" in html and "HP9-0001" in html
    assert 'href="tel:+31699990000"' in html
    assert "Replaced the fan motor" in html and "1 × Fan motor" in html and "Old Tech" in html
    assert "Start travel" in html and "In warranty" in html


def test_office_staff_read_any_visit_without_capture_controls(app, client, auth, make):
    visit = make.visit(make.user(Role.TECHNICIAN, name="Field Person"))
    auth.as_role(Role.DISPATCHER)
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Technician: Field Person" in html
    assert "Start travel" not in html and "Add a part" not in html and "Save actions taken" not in html


def test_the_workflow_records_each_step_with_a_time(app, client, make, tech):
    visit = make.visit(tech)

    assert step(client, visit, "start-travel").status_code == 303
    assert load(app, visit.id).status is VisitStatus.TRAVELLING
    assert step(client, visit, "arrive").status_code == 303
    save(client, visit, "outcome", outcome="resolved")
    save(client, visit, "actions_taken", actions_taken="Replaced the drain pump and tested a cycle.")
    assert step(client, visit, "complete").status_code == 303

    done = load(app, visit.id)
    assert done.status is VisitStatus.COMPLETED
    assert done.travel_started_at <= done.arrived_at <= done.completed_at
    assert done.worked_minutes == 0  # arrival to completion, within the same minute here
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == visit.id)))
    assert {"visit.travelling", "visit.arrived", "visit.completed"} <= actions
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Start travel" not in page and "Complete visit" not in page


def test_a_step_without_javascript_returns_to_the_workflow_section(client, make, tech):
    visit = make.visit(tech)
    response = step(client, visit, "start-travel")
    assert response.status_code == 303 and response.headers["Location"] == f"/visits/{visit.id}#workflow"


def test_completing_needs_outcome_and_actions_next_to_the_fields(app, client, on_site):
    response = step(client, on_site, "complete")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the outcome before completing." in html
    assert "Describe the actions taken before completing." in html
    assert html.index("Choose the outcome before completing.") > html.index('id="field-outcome"')
    assert load(app, on_site.id).status is VisitStatus.ON_SITE


def test_labour_can_be_corrected_when_completing(app, client, on_site):
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="Cleaned the filter.")
    page = client.get(f"/visits/{on_site.id}").get_data(as_text=True)
    assert 'name="labour_minutes"' in page and 'value="45"' in page  # suggested from arrival
    step(client, on_site, "complete", labour_minutes="30")
    assert load(app, on_site.id).worked_minutes == 30


@pytest.mark.parametrize("minutes", ["-5", "abc", "2000"])
def test_a_bad_labour_correction_is_refused(app, client, on_site, minutes):
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="Cleaned the filter.")
    response = step(client, on_site, "complete", labour_minutes=minutes)
    assert response.status_code == 422
    assert "Enter minutes between 0 and 1440." in response.get_data(as_text=True) or "Not a valid integer" in response.get_data(as_text=True)
    assert load(app, on_site.id).status is VisitStatus.ON_SITE


def test_senseless_steps_are_refused_with_a_message(app, client, make, tech):
    finished = make.visit(tech, status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED, actions_taken="x",
                          completed_at=datetime.now(timezone.utc))
    response = step(client, finished, "start-travel")
    assert response.status_code == 409
    assert "Cannot start travel: the visit is completed." in response.get_data(as_text=True)
    assert load(app, finished.id).status is VisitStatus.COMPLETED

    scheduled = make.visit(tech)
    assert step(client, scheduled, "complete").status_code == 409


def test_a_repeated_step_with_the_same_id_is_applied_once(app, client, make, tech):
    visit = make.visit(tech)
    write_id = cid()
    first = client.post(f"/visits/{visit.id}/start-travel", data={"client_id": write_id})
    again = client.post(f"/visits/{visit.id}/start-travel", data={"client_id": write_id})
    assert first.status_code == again.status_code == 303
    with app.app_context():
        count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "visit.travelling"))
    assert count == 1
    # a new tap (new id) on a step already taken is refused, not repeated
    assert step(client, visit, "start-travel").status_code == 409


def test_a_write_without_its_id_is_refused(app, client, make, tech):
    visit = make.visit(tech)
    response = client.post(f"/visits/{visit.id}/start-travel", data={})
    assert response.status_code == 422
    assert load(app, visit.id).status is VisitStatus.SCHEDULED


def test_could_not_complete_records_the_reason_and_alerts_dispatch(app, client, make, tech):
    visit = make.visit(tech, status=VisitStatus.TRAVELLING)
    response = step(client, visit, "not-complete", reason="parts_needed", note="Compressor not in van")
    assert response.status_code == 303
    done = load(app, visit.id)
    assert done.status is VisitStatus.NOT_COMPLETED and done.not_completed_note == "Compressor not in van"
    with app.app_context():
        case = db.session.get(Case, done.case_id)
        assert case.needs_attention and "parts needed" in case.attention_reason
        assert case.status is CaseStatus.VISIT_NEEDED  # back in the queue for a return visit
        assert [e.kind for e in case.events][-2:] == ["visit_not_completed", "attention"]


def test_could_not_complete_needs_a_reason_and_a_note_for_other(app, client, make, tech):
    visit = make.visit(tech)
    no_reason = step(client, visit, "not-complete", reason="")
    assert no_reason.status_code == 422 and "Choose a reason." in no_reason.get_data(as_text=True)
    other = step(client, visit, "not-complete", reason="other", note="")
    assert other.status_code == 422 and "Say what stopped the visit." in other.get_data(as_text=True)
    assert load(app, visit.id).status is VisitStatus.SCHEDULED


def test_completing_the_last_visit_resolves_the_case_and_records_the_follow_up(app, client, on_site):
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="Recalibrated.")
    save(client, on_site, "follow_up", follow_up="call", days="30")
    save(client, on_site, "next_steps", next_steps="Call to check the picture settings.")
    step(client, on_site, "complete")
    with app.app_context():
        case = db.session.get(Case, on_site.case_id)
        assert case.status is CaseStatus.RESOLVED and case.resolution_summary == "Recalibrated."
        follow_up = db.session.scalar(select(FollowUp))
        assert follow_up.kind is FollowUpKind.CALL
        assert follow_up.due_on == clock.today() + timedelta(days=30)
        assert follow_up.notes == "Call to check the picture settings."


def test_a_case_with_another_open_visit_stays_open(app, client, make, tech, on_site):
    make.visit(make.user(Role.TECHNICIAN), case=load_case(app, on_site.case_id),
               start=datetime.now(timezone.utc) + timedelta(days=2))
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="First half done.")
    step(client, on_site, "complete")
    with app.app_context():
        assert db.session.get(Case, on_site.case_id).status is CaseStatus.SCHEDULED


def load_case(app, case_id):
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def test_an_unresolved_visit_flags_the_case(app, client, on_site):
    save(client, on_site, "outcome", outcome="not_resolved")
    save(client, on_site, "actions_taken", actions_taken="Could not find the fault.")
    step(client, on_site, "complete")
    with app.app_context():
        case = db.session.get(Case, on_site.case_id)
        assert case.status is CaseStatus.VISIT_NEEDED and case.needs_attention


@pytest.mark.parametrize("field, data, stored", [
    ("service_type", {"service_type": "maintenance"}, ("service_type", "maintenance")),
    ("outcome", {"outcome": "partially_resolved"}, ("outcome", "partially_resolved")),
    ("actions_taken", {"actions_taken": "  Replaced seal.  "}, ("actions_taken", "Replaced seal.")),
    ("preventative_advice", {"preventative_advice": "Descale monthly."}, ("preventative_advice", "Descale monthly.")),
    ("next_steps", {"next_steps": "Order a new panel."}, ("next_steps", "Order a new panel.")),
    ("follow_up", {"follow_up": "visit", "days": "14"}, ("follow_up_days", 14)),
    ("transport_cost", {"amount": "12,50"}, ("transport_cost_cents", 1250)),
])
def test_each_field_saves_on_its_own_as_a_fragment(app, client, on_site, field, data, stored):
    response = save(client, on_site, field, headers=HX, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<form id="field-{field}"') and "<html" not in html
    assert "Saved" in html
    value = getattr(load(app, on_site.id), stored[0])
    assert getattr(value, "value", value) == stored[1]


def test_a_field_saves_without_htmx_and_returns_to_the_page(app, client, on_site):
    response = save(client, on_site, "actions_taken", actions_taken="Tightened the valve.")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/visits/{on_site.id}#field-actions_taken"


@pytest.mark.parametrize("field, data, message", [
    ("follow_up", {"follow_up": "call", "days": ""}, "Enter in how many days."),
    ("follow_up", {"follow_up": "call", "days": "0"}, "Enter 1 to 365 days."),
    ("transport_cost", {"amount": "-3"}, "The amount cannot be negative."),
    ("transport_cost", {"amount": "ten"}, "Enter an amount like 12.50."),
    ("transport_cost", {"amount": "1.999"}, "at most two decimals"),
    ("outcome", {"outcome": "fixed-ish"}, "Not a valid choice"),
    ("service_type", {"service_type": ""}, "Choose the service type."),
])
def test_bad_field_input_gets_a_message_next_to_it_and_keeps_the_input(app, client, on_site, field, data, message):
    before = load(app, on_site.id)
    response = save(client, on_site, field, headers=HX, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and f'id="field-{field}"' in html
    for name in ("days", "amount"):  # typed text comes back as typed (a select only has its options)
        if data.get(name):
            assert f'value="{data[name]}"' in html
    after = load(app, on_site.id)
    assert (after.follow_up, after.transport_cost_cents, after.outcome, after.service_type) == \
           (before.follow_up, before.transport_cost_cents, before.outcome, before.service_type)


def test_bad_field_input_without_htmx_shows_the_whole_page(app, client, on_site):
    response = save(client, on_site, "transport_cost", amount="-1")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html and "The amount cannot be negative." in html


def test_unknown_field_is_404(client, on_site):
    assert save(client, on_site, "secret_notes", text="x").status_code == 404


def test_a_stale_retry_does_not_overwrite_a_later_save(app, client, on_site):
    old_id = cid()
    client.post(f"/visits/{on_site.id}/fields/actions_taken", data={"client_id": old_id, "actions_taken": "First draft"})
    save(client, on_site, "actions_taken", actions_taken="Final text")
    client.post(f"/visits/{on_site.id}/fields/actions_taken", data={"client_id": old_id, "actions_taken": "First draft"})
    assert load(app, on_site.id).actions_taken == "Final text"


def test_one_tap_advice_appends_the_products_care_tip(app, client, make, tech):
    model = make.product_model(care_tips="Clean the filter monthly.\nKeep the vents free.")
    visit = make.visit(tech, make.case(asset=make.asset(product_model=model)))
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "+ Clean the filter monthly." in page
    save(client, visit, "preventative_advice", preventative_advice="Use softened water.", add_tip="Keep the vents free.")
    assert load(app, visit.id).preventative_advice == "Use softened water.\nKeep the vents free."


def test_the_report_is_locked_once_completed_except_payment(app, client, make, tech):
    visit = make.visit(tech, status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED, actions_taken="Done",
                       completed_at=datetime.now(timezone.utc), payment_status=PaymentStatus.TO_INVOICE)
    locked = save(client, visit, "actions_taken", headers=HX, actions_taken="Changed afterwards")
    assert locked.status_code == 409
    assert "can no longer be changed" in locked.get_data(as_text=True)
    assert load(app, visit.id).actions_taken == "Done"
    paid = save(client, visit, "payment_status", headers=HX, payment_status="paid")
    assert paid.status_code == 200
    assert load(app, visit.id).payment_status is PaymentStatus.PAID
    assert '<div id="cost-lines" class="cost-lines" hx-swap-oob="true">' in paid.get_data(as_text=True)


@pytest.mark.parametrize("status, says", [
    (VisitStatus.COMPLETED, "This visit is completed: its report is locked."),
    (VisitStatus.NOT_COMPLETED, "This visit could not be completed: its report is locked."),
])
def test_a_finished_visit_says_its_report_is_locked_and_shows_text_not_inputs(app, client, make, tech, status, says):
    visit = make.visit(tech, status=status, outcome=Outcome.RESOLVED, actions_taken="Replaced the seal.\nTested.",
                       completed_at=datetime.now(timezone.utc), payment_status=PaymentStatus.TO_INVOICE)
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert says in html
    report = html[html.index('id="report-title"'):html.index('id="parts"')]
    assert "<textarea" not in report and "<select" not in report and "<input" not in report
    assert "Save actions taken" not in report
    assert "<dd>Replaced the seal.\nTested.</dd>" in report and "<dd>Resolved</dd>" in report
    if status is VisitStatus.COMPLETED:  # settling the payment stays possible after completion
        assert 'name="payment_status"' in html and "Save payment status" in html


def test_an_open_visit_has_editable_fields_and_no_lock_notice(client, on_site):
    html = client.get(f"/visits/{on_site.id}").get_data(as_text=True)
    assert "its report is locked" not in html
    assert 'name="actions_taken"' in html and "Save actions taken" in html


def test_the_visit_page_links_to_its_products_page(client, make, tech):
    asset = make.asset(serial_number="LINKED-7")
    visit = make.visit(tech, make.case(asset=asset))
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'href="/a/{asset.qr_token}"' in html
    product = client.get(f"/a/{asset.qr_token}")
    assert product.status_code == 200 and "LINKED-7" in product.get_data(as_text=True)


def _complete_with(client, visit, transport="0"):
    save(client, visit, "transport_cost", amount=transport)
    save(client, visit, "outcome", outcome="resolved")
    save(client, visit, "actions_taken", actions_taken="Fixed")
    step(client, visit, "complete", labour_minutes="60")


def test_in_warranty_parts_and_labour_are_covered_transport_billed(app, client, make, tech):
    visit = make.visit(tech, status=VisitStatus.ON_SITE, arrived_at=datetime.now(timezone.utc))
    client.post(f"/visits/{visit.id}/parts/", data={"client_id": cid(), "part_id": make.part(unit_price_cents=4000).id,
                                                  "quantity": "2"})
    _complete_with(client, visit, transport="25.00")
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "€145.00" in html  # 65.00 labour + 80.00 parts, covered
    assert "To be invoiced" in html  # transport is not covered by the standard warranty
    assert load(app, visit.id).payment_status is PaymentStatus.TO_INVOICE


def test_a_contract_covering_everything_settles_as_covered_by_contract(app, client, make, tech):
    asset = make.asset(warranty=False)
    with app.app_context():
        today = clock.today()
        db.session.add(Coverage(asset_id=asset.id, kind=CoverageKind.SERVICE_CONTRACT, starts_on=today - timedelta(days=5),
                                ends_on=today + timedelta(days=300), covers_transport=True))
        db.session.commit()
    visit = make.visit(tech, make.case(asset=asset), status=VisitStatus.ON_SITE, arrived_at=datetime.now(timezone.utc))
    _complete_with(client, visit, transport="25.00")
    assert load(app, visit.id).payment_status is PaymentStatus.COVERED_CONTRACT
    assert "Under contract" in client.get(f"/visits/{visit.id}").get_data(as_text=True)


def test_without_coverage_everything_is_billable(app, client, make, tech):
    visit = make.visit(tech, make.case(asset=make.asset(warranty=False)), status=VisitStatus.ON_SITE,
                       arrived_at=datetime.now(timezone.utc))
    _complete_with(client, visit, transport="10")
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "No warranty or contract on the visit date" in html
    assert "€75.00" in html  # labour 65 + transport 10, all to pay


def test_today_cards_open_the_visit(app, client, make, tech):
    visit = make.visit(tech, start=schedule_at(app, 9))
    html = client.get("/today").get_data(as_text=True)
    assert f'href="/visits/{visit.id}"' in html


def schedule_at(app, hour):
    with app.app_context():
        return clock.at_local(clock.today(), hour)


def test_visit_page_query_count_is_bounded(app, client, make, tech, count_queries):
    visit = make.visit(tech)
    for _ in range(5):
        make.visit_part(visit)
    with count_queries() as counter:
        assert client.get(f"/visits/{visit.id}").status_code == 200
    assert counter.count <= 12


def test_the_report_comes_before_complete_and_the_history_is_folded(client, make, tech, on_site):
    html = client.get(f"/visits/{on_site.id}").get_data(as_text=True)
    assert html.index('id="workflow"') < html.index('id="report-title"') < html.index("Complete visit")
    assert html.index("Complete visit") < html.index("Hand over for the customer's rating")
    assert '<details class="panel history"' in html and '<details class="panel history" open' not in html
    assert 'href="#finish"' in html  # from the steps down to finishing
