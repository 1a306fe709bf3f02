"""Technicians read any product's technical history, but a customer's personal data only for
customers they have a visit with; other technicians' visits stay closed to them."""
from datetime import datetime, timedelta, timezone

import pytest

from fieldapp.models import Channel, Outcome, Rating, RatingSource, Role, VisitStatus
from fieldapp.extensions import db


@pytest.fixture
def history(app, make):
    """A product whose case has a completed visit by a colleague, with a complaint."""
    customer = make.customer(name="Private Person", phone="+31 6 5555 0101", email="private@example.com",
                             address="Geheimstraat 9")
    asset = make.asset(customer=customer, install_address="Geheimstraat 9, loft", notes="Key under the mat")
    colleague = make.user(Role.TECHNICIAN, name="Colleague Cora")
    # The customer's own words, from the label's request form: personal data too.
    make.case(asset=asset, description="Loud since Tuesday, call me after 5", channel=Channel.QR)
    case = make.case(asset=asset, description="Compressor rattles at start-up")
    visit = make.visit(colleague, case=case, status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED,
                       actions_taken="Replaced the compressor mount",
                       start=datetime.now(timezone.utc) - timedelta(days=3),
                       completed_at=datetime.now(timezone.utc) - timedelta(days=3))
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, source=RatingSource.QR, overall=1, timeliness=1,
                              professionalism=1, quality=1, product_performance=1,
                              complaint="Mrs Person was very upset"))
        db.session.commit()
    return asset, customer, visit


PRIVATE = ["Private Person", "+31 6 5555 0101", "private@example.com", "Geheimstraat 9", "Key under the mat",
           "Mrs Person was very upset", "Loud since Tuesday"]
TECHNICAL = ["Compressor rattles at start-up", "Replaced the compressor mount", "Colleague Cora", "Resolved"]


def test_a_technician_without_a_visit_sees_the_technical_history_only(client, auth, history):
    asset, customer, colleague_visit = history
    auth.as_role(Role.TECHNICIAN)

    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)

    for text in TECHNICAL:
        assert text in html
    for text in PRIVATE:
        assert text not in html
    assert f'href="/visits/{colleague_visit.id}"' not in html  # that page is a 404 for them
    assert client.get(f"/visits/{colleague_visit.id}").status_code == 404


def test_a_scan_by_serial_leads_to_the_same_limited_page(client, auth, history):
    asset, customer, _ = history
    auth.as_role(Role.TECHNICIAN)
    html = client.get(f"/scan/serial?serial={asset.serial_number}", follow_redirects=True).get_data(as_text=True)
    assert "Compressor rattles at start-up" in html and "Private Person" not in html


@pytest.mark.parametrize("when", [-30, 0, 5])  # a past, today's or a planned visit
def test_a_technician_with_a_visit_for_the_customer_sees_their_details(client, auth, make, history, when):
    asset, customer, _ = history
    me = auth.as_role(Role.TECHNICIAN)
    other_asset = make.asset(customer=customer)  # any visit for this customer counts
    make.visit(me, case=make.case(asset=other_asset), start=datetime.now(timezone.utc) + timedelta(days=when))

    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)

    for text in PRIVATE:
        assert text in html


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.ADMIN])
def test_the_office_sees_everything(client, auth, history, role):
    asset, _, colleague_visit = history
    auth.as_role(role)
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    for text in PRIVATE + TECHNICAL:
        assert text in html
    assert f'href="/visits/{colleague_visit.id}"' in html
