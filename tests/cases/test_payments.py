"""What is billable on a visit becomes a payment record the office keeps: to be invoiced, invoiced,
partly paid, paid (amount, day, method, reference), shown on the case and in the report."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CaseStatus, Payment, PaymentState, PaymentStatus, Role, Visit, VisitStatus
from tests.conftest import cid
from tests.reading import visible_text as _text


def _billable_visit(make, tech, asset=None):
    """A visit on site for a product out of warranty, with transport to charge."""
    arrived = datetime.now(timezone.utc) - timedelta(minutes=45)
    case = make.case(asset=asset or make.asset(warranty=False), status=CaseStatus.SCHEDULED)
    return make.visit(tech, case=case, status=VisitStatus.ON_SITE, start=arrived - timedelta(minutes=10),
                      arrived_at=arrived, transport_cost_cents=3500)


def _complete(client, visit):
    for field, data in (("outcome", {"outcome": "resolved"}), ("actions_taken", {"actions_taken": "Fixed it."})):
        client.post(f"/visits/{visit.id}/fields/{field}", data={"client_id": cid(), **data})
    assert client.post(f"/visits/{visit.id}/complete", data={"client_id": cid(), "labour_minutes": "0"}).status_code == 303


def _payment(app, visit_id) -> Payment:
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.visit_id == visit_id))
        db.session.expunge_all()
        return payment


def test_a_completed_visit_with_costs_to_pay_is_to_be_invoiced_then_invoiced_and_paid(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    visit = _billable_visit(make, tech)
    _complete(client, visit)
    payment = _payment(app, visit.id)
    assert (payment.state, payment.amount_due_cents, payment.paid_cents) == (PaymentState.TO_INVOICE, 3500, 0)

    auth.logout()
    auth.as_role(Role.DISPATCHER)
    url = f"/cases/{visit.case_id}/visits/{visit.id}/payment"
    page = _text(client.get(f"/cases/{visit.case_id}").get_data(as_text=True))
    assert "Payments" in page and "To be invoiced: €35.00" in page

    today = make.today()
    assert client.post(url, data={"invoice_number": "INV-2026-7", "invoiced_on": today.isoformat()}).status_code == 303
    assert _payment(app, visit.id).state is PaymentState.INVOICED
    assert client.post(url, data={"invoice_number": "INV-2026-7", "invoiced_on": today.isoformat(), "paid": "20,00",
                                  "paid_on": today.isoformat(), "method": "card"}).status_code == 303
    assert _payment(app, visit.id).state is PaymentState.PARTLY_PAID
    assert client.post(url, data={"invoice_number": "INV-2026-7", "invoiced_on": today.isoformat(), "paid": "35.00",
                                  "paid_on": today.isoformat(), "method": "bank_transfer",
                                  "reference": "NL-TRX-991"}).status_code == 303
    payment = _payment(app, visit.id)
    assert (payment.state, payment.paid_cents) == (PaymentState.PAID, 3500)
    with app.app_context():
        assert db.session.get(Visit, visit.id).payment_status is PaymentStatus.PAID

    report = _text(client.get(f"/cases/{visit.case_id}/report").get_data(as_text=True))
    payment_status = report.split("Payment Status", 1)[1].split("Returns and Refunds", 1)[0]
    assert "Paid: €35.00" in payment_status
    assert "invoice INV-2026-7 of" in payment_status
    assert "by Bank transfer, reference NL-TRX-991" in payment_status


def test_wrong_payments_are_refused_at_the_field_and_change_nothing(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    visit = _billable_visit(make, tech)
    _complete(client, visit)
    auth.logout()
    auth.as_role(Role.DISPATCHER)
    url = f"/cases/{visit.case_id}/visits/{visit.id}/payment"
    today = make.today()
    for data, message in (
        ({"paid": "99.00", "paid_on": today.isoformat(), "method": "cash"}, "That is more than is due (€35.00)."),
        ({"paid": "10.00", "method": "cash"}, "Enter the day it was paid."),
        ({"paid": "10.00", "paid_on": today.isoformat()}, "Choose how it was paid."),
        ({"paid": "10.00", "paid_on": (today + timedelta(days=3)).isoformat(), "method": "cash"},
         "A payment cannot be received after today."),
        ({"paid": "ten euros", "paid_on": today.isoformat(), "method": "cash"}, "12.50"),
    ):
        response = client.post(url, data={"invoice_number": "INV-TYPED", **data})
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in html, message
        assert 'value="INV-TYPED"' in html  # what was typed is still there
        assert _payment(app, visit.id).state is PaymentState.TO_INVOICE
    # The record of another case's visit is not reached through this case.
    other = _billable_visit(make, tech)
    assert client.post(f"/cases/{visit.case_id}/visits/{other.id}/payment", data={}).status_code == 404


def test_paid_on_site_records_the_payment_and_technicians_cannot_use_the_office_form(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    visit = _billable_visit(make, tech)
    _complete(client, visit)
    response = client.post(f"/visits/{visit.id}/fields/payment_status",
                           data={"client_id": cid(), "payment_status": "paid"})
    assert response.status_code in (200, 303)
    payment = _payment(app, visit.id)
    assert (payment.state, payment.paid_cents, payment.method.value) == (PaymentState.PAID, 3500, "on_site")
    assert client.post(f"/cases/{visit.case_id}/visits/{visit.id}/payment",
                       data={"paid": "1.00"}).status_code == 403


def test_a_covered_visit_has_nothing_to_pay(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    arrived = datetime.now(timezone.utc) - timedelta(minutes=45)
    case = make.case(status=CaseStatus.SCHEDULED)  # in warranty: parts and labour covered
    visit = make.visit(tech, case=case, status=VisitStatus.ON_SITE, start=arrived, arrived_at=arrived)
    _complete(client, visit)
    assert _payment(app, visit.id) is None
    auth.logout()
    auth.as_role(Role.DISPATCHER)
    assert 'id="payments"' not in client.get(f"/cases/{case.id}").get_data(as_text=True)
