"""A technician's recommendations are records: made on the visit, acted on by the office (a
follow-up, a new case, declined), and listed in the report's Future Services/Support with the
maintenance schedule."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import (
    Case, CaseStatus, FollowUp, Recommendation, RecommendationStatus, Role, VisitStatus,
)
from tests.conftest import HX, cid
from tests.reading import visible_text as _text


def _on_site(make, tech, **case):
    arrived = datetime.now(timezone.utc) - timedelta(minutes=30)
    case = make.case(status=CaseStatus.SCHEDULED, **case)
    return make.visit(tech, case=case, status=VisitStatus.ON_SITE, start=arrived, arrived_at=arrived)


def test_the_technician_recommends_and_the_report_lists_it(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    visit = _on_site(make, tech)
    due = make.today() + timedelta(days=180)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert 'id="recommendations"' in page and "Add recommendation" in page
    response = client.post(f"/visits/{visit.id}/recommendations/", headers=HX, data={
        "client_id": cid(), "kind": "check_up", "what": "Replace the anode: it is half worn", "due_on": due.isoformat()})
    assert response.status_code == 200
    assert "Replace the anode: it is half worn" in response.get_data(as_text=True)

    # Bad input: at the field, nothing saved, what was typed kept.
    refused = client.post(f"/visits/{visit.id}/recommendations/", headers=HX, data={
        "client_id": cid(), "kind": "check_up", "what": "Descale", "due_on": "2001-01-01"})
    assert refused.status_code == 422
    assert "cannot be in the past" in refused.get_data(as_text=True)
    assert "Descale" in refused.get_data(as_text=True)
    with app.app_context():
        assert [r.what for r in db.session.scalars(select(Recommendation))] == ["Replace the anode: it is half worn"]

    auth.logout()
    auth.as_role(Role.DISPATCHER)
    report = _text(client.get(f"/cases/{visit.case_id}/report").get_data(as_text=True))
    future = report.split("Future Services/Support", 1)[1].split("5. Costs Incurred", 1)[0]
    assert "Recommended by the technician:" in future
    assert "Check-up: Replace the anode: it is half worn (by" in future
    assert "Open" in future
    assert "Check-up: Replace the anode" in report.split("Next Steps", 2)[2]  # an open one is a next step


def test_the_office_turns_recommendations_into_a_follow_up_a_case_or_a_no(app, client, auth, make):
    tech = make.user(Role.TECHNICIAN)
    visit = _on_site(make, tech)
    first = make.recommendation(visit, what="Upgrade the thermostat")
    second = make.recommendation(visit, what="Check the pressure vessel")
    third = make.recommendation(visit, what="Flush the system")
    auth.as_role(Role.DISPATCHER)
    page = client.get(f"/cases/{visit.case_id}").get_data(as_text=True)
    assert "Upgrade the thermostat" in page and "Plan the follow-up" in page

    due = make.today() + timedelta(days=20)
    url = f"/cases/{visit.case_id}/recommendations"
    assert client.post(f"{url}/{first.id}/follow-up", data={"client_id": cid(), "kind": "call",
                                                            "due_on": due.isoformat()}).status_code == 303
    assert client.post(f"{url}/{second.id}/case", data={}).status_code == 303
    assert client.post(f"{url}/{third.id}/decline", data={}).status_code == 303
    with app.app_context():
        rows = {r.id: r for r in db.session.scalars(select(Recommendation))}
        assert rows[first.id].status is RecommendationStatus.FOLLOW_UP
        follow_up = db.session.get(FollowUp, rows[first.id].follow_up_id)
        assert (follow_up.due_on, follow_up.case_id) == (due, visit.case_id)
        assert "Upgrade the thermostat" in follow_up.notes
        assert rows[second.id].status is RecommendationStatus.CASE_OPENED
        new_case = db.session.get(Case, rows[second.id].new_case_id)
        assert "Check the pressure vessel" in new_case.description and new_case.id != visit.case_id
        assert rows[third.id].status is RecommendationStatus.DECLINED
    # Handled once: a second answer is a conflict, nothing changes.
    assert client.post(f"{url}/{third.id}/case", data={}).status_code == 409
    # Another case's recommendation is not reached through this case.
    other = make.recommendation(_on_site(make, tech))
    assert client.post(f"{url}/{other.id}/decline", data={}).status_code == 404


def test_the_product_and_report_show_the_maintenance_schedule(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    model = make.product_model(maintenance_interval_months=6)
    asset = make.asset(product_model=model, sales_date=make.today() - timedelta(days=30))
    case = make.case(asset=asset, status=CaseStatus.NEW)
    report = _text(client.get(f"/cases/{case.id}/report").get_data(as_text=True))
    schedule = re.search(r"Maintenance schedule: ([^.]+)\.", report)
    assert schedule and schedule.group(1).count(",") == 2  # three dates, six months apart
    product = _text(client.get(f"/a/{asset.qr_token}").get_data(as_text=True))
    assert "Maintenance schedule:" in product
