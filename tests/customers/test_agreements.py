"""A service sold without a product: an agreement with a customer that covers their visits on its
days where the product has no coverage of its own, shown on the customer and in the report."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CaseStatus, Role, ServiceAgreement, Visit, VisitStatus
from fieldapp.services import costs
from tests.conftest import cid
from tests.reading import visible_text as _text


def _sell(client, customer_id, **data):
    today = datetime.now(timezone.utc).date()
    form = {"client_id": cid(), "what": "Heating at the Keizersgracht office", "reference": "SA-12",
            "starts_on": (today - timedelta(days=10)).isoformat(), "ends_on": (today + timedelta(days=355)).isoformat(),
            "price": "480.00", "covers_labour": "y", "covers_transport": "y", "maintenance_visits_per_year": "1",
            **data}
    return client.post(f"/customers/{customer_id}/agreements", data=form)


def test_an_agreement_covers_the_customers_visits_where_the_product_is_not_covered(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    customer = make.customer()
    assert _sell(client, customer.id).status_code == 303
    page = _text(client.get(f"/customers/{customer.id}").get_data(as_text=True))
    assert "Heating at the Keizersgracht office" in page and "SA-12" in page and "Running" in page

    out_of_warranty = make.asset(customer=customer, warranty=False)
    case = make.case(asset=out_of_warranty, status=CaseStatus.RESOLVED)
    start = datetime.now(timezone.utc) - timedelta(days=1)
    visit = make.visit(case=case, start=start, status=VisitStatus.COMPLETED, arrived_at=start,
                       completed_at=start + timedelta(hours=1), transport_cost_cents=3500, labour_minutes=60)
    with app.app_context():
        row = db.session.get(Visit, visit.id)
        breakdown = costs.breakdown(row)
        assert breakdown.coverage.what == "Heating at the Keizersgracht office"
        assert breakdown.billable_cents == 0  # labour and transport covered, no parts
    report = _text(client.get(f"/cases/{case.id}/report").get_data(as_text=True))
    assert "Warranty Coverage Service agreement SA-12: labour, transport until" in report
    assert "Service agreement SA-12:" in report.split("Warranty/Service Agreement Details", 1)[1]


def test_the_products_own_coverage_comes_first_and_other_customers_are_not_covered(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    customer, stranger = make.customer(), make.customer()
    _sell(client, customer.id, covers_transport="")
    start = datetime.now(timezone.utc) - timedelta(hours=2)
    in_warranty = make.visit(case=make.case(asset=make.asset(customer=customer)), start=start)
    strangers = make.visit(case=make.case(asset=make.asset(customer=stranger, warranty=False)), start=start)
    with app.app_context():
        assert costs.coverage_for(db.session.get(Visit, in_warranty.id)).kind.value == "standard_warranty"
        assert costs.coverage_for(db.session.get(Visit, strangers.id)) is None


def test_a_wrong_agreement_is_refused_at_the_field_with_what_was_typed_kept(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    customer = make.customer()
    today = datetime.now(timezone.utc).date()
    for data, message in (
        ({"ends_on": (today - timedelta(days=30)).isoformat()}, "The last day comes before the first."),
        ({"what": ""}, "Say what the agreement covers."),
        ({"price": "lots"}, "12.50"),
        ({"maintenance_visits_per_year": "40"}, "Enter 0 to 12 visits."),
        ({"ends_on": (today + timedelta(days=366 * 12)).isoformat()}, "An agreement runs at most 10 years."),
    ):
        response = _sell(client, customer.id, reference="TYPED-REF", **data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in html, message
        assert 'value="TYPED-REF"' in html
    with app.app_context():
        assert db.session.scalar(select(ServiceAgreement.id)) is None


def test_technicians_cannot_sell_agreements(client, auth, make):
    customer = make.customer()
    auth.as_role(Role.TECHNICIAN)
    assert _sell(client, customer.id).status_code == 403


def test_today_shows_the_agreement_as_cover(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    customer = make.customer()
    with app.app_context():
        from fieldapp.services import customers as customer_service

        today = datetime.now(timezone.utc).date()
        row = db.session.get(type(customer), customer.id)
        customer_service.add_agreement(row, "Heating", None, None, today - timedelta(days=5), today + timedelta(days=300),
                                       None, False, True, True, 0, None, db.session.get(type(tech), tech.id))
        db.session.commit()
    from fieldapp import clock

    with app.app_context():
        start = clock.day_bounds(clock.today())[0] + timedelta(hours=9)  # both on the company's today
    make.visit(tech, case=make.case(asset=make.asset(customer=customer, warranty=False)), start=start)
    make.visit(tech, case=make.case(asset=make.asset(warranty=False)), start=start + timedelta(hours=1))
    html = client.get("/today").get_data(as_text=True)
    assert html.count("Under contract") == 1 and html.count("Billable") >= 1
