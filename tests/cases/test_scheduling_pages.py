"""Booking visits from the case page as a dispatcher, and what the technician then sees:
the clash warning before and at saving, the override with a reason, reschedule, reassign and
cancel, and a technician's write on a plan the office changed meanwhile (409, never applied)."""
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import CaseStatus, Role, Visit, VisitStatus
from tests.conftest import PASSWORD


@pytest.fixture
def office(app, client, make):
    tech = make.user(Role.TECHNICIAN, name="Tina Tech", email="tina@example.com")
    other = make.user(Role.TECHNICIAN, name="Tom Tech", email="tom@example.com")
    dispatcher = make.user(Role.DISPATCHER)
    client.post("/login", data={"email": dispatcher.email, "password": PASSWORD})
    with app.app_context():
        tomorrow = clock.today() + timedelta(days=1)
    return {"tech": tech, "other": other, "day": tomorrow.isoformat()}


def _book(client, case, tech, day=None, start="13:00", end="15:00", minutes="90", **extra):
    return client.post(f"/cases/{case.id}/visits/", data={
        "technician_id": tech.id, "day": day, "start": start, "window_end": end, "minutes": minutes,
        "service_type": "repair", "notes": "Bring a ladder", **extra})


def _visits(app, **where):
    with app.app_context():
        return db.session.scalars(select(Visit).filter_by(**where).order_by(Visit.id)).all()


def test_a_dispatcher_books_a_visit_and_the_case_is_scheduled(app, client, make, office):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    response = _book(client, case, office["tech"], office["day"])
    assert response.status_code == 303
    [visit] = _visits(app, case_id=case.id)
    assert (visit.technician_id, visit.expected_minutes, visit.notes_for_technician) == (
        office["tech"].id, 90, "Bring a ladder")
    assert schedule_local_hour(app, visit) == 13
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Tina Tech" in html and "Visit booked" in html
    with app.app_context():
        assert db.session.get(type(case), case.id).status is CaseStatus.SCHEDULED


def schedule_local_hour(app, visit):
    with app.app_context():
        return clock.local(visit.scheduled_start).hour


def test_a_clash_is_shown_before_saving(app, client, make, office):
    first = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, first, office["tech"], office["day"])
    second = make.case(status=CaseStatus.VISIT_NEEDED)
    response = client.get(f"/cases/{second.id}/visits/clashes", query_string={
        "technician_id": office["tech"].id, "day": office["day"], "start": "14:00", "minutes": "60"},
        headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Clash" in html and first.number in html
    free = client.get(f"/cases/{second.id}/visits/clashes", query_string={
        "technician_id": office["other"].id, "day": office["day"], "start": "14:00", "minutes": "60"})
    assert "Clash" not in free.get_data(as_text=True)


def test_a_clash_is_refused_at_saving_and_booked_with_a_reason(app, client, make, office):
    first = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, first, office["tech"], office["day"])
    second = make.case(status=CaseStatus.VISIT_NEEDED)

    refused = _book(client, second, office["tech"], office["day"], start="14:00", notes="Keep this text")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert first.number in html and "Book over a clash because" in html and "Keep this text" in html
    assert _visits(app, case_id=second.id) == []

    booked = _book(client, second, office["tech"], office["day"], start="14:00", override_reason="Urgent leak")
    assert booked.status_code == 303
    html = client.get(f"/cases/{second.id}").get_data(as_text=True)
    assert "Urgent leak" in html


@pytest.mark.parametrize("data, message", [
    ({"window_end": "12:00"}, None), ({"minutes": "5"}, "Between 15 and 720 minutes."),
    ({"technician_id": "999"}, "Choose a technician."), ({"day": "tomorrow"}, None),
])
def test_bad_booking_input_is_refused_at_the_field(app, client, make, office, data, message):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    response = _book(client, case, office["tech"], **{"day": office["day"], **data})
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert _visits(app, case_id=case.id) == []


def test_reschedule_reassign_and_cancel_from_the_case_page(app, client, make, office):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, case, office["tech"], office["day"])
    [visit] = _visits(app, case_id=case.id)
    base = f"/cases/{case.id}/visits/{visit.id}"

    assert client.post(f"{base}/reschedule", data={"day": office["day"], "start": "16:00", "window_end": "18:00",
                                                   "minutes": "60", "reason": ""}).status_code == 422
    assert client.post(f"{base}/reschedule", data={"day": office["day"], "start": "16:00", "window_end": "18:00",
                                                   "minutes": "60", "reason": "Customer asked"}).status_code == 303
    assert client.post(f"{base}/reassign", data={"technician_id": office["other"].id,
                                                 "reason": "Tina is ill"}).status_code == 303
    [moved] = _visits(app, case_id=case.id)
    assert moved.technician_id == office["other"].id and schedule_local_hour(app, moved) == 16
    assert moved.schedule_version == 3
    assert client.post(f"{base}/cancel", data={"reason": "Solved by phone"}).status_code == 303
    [cancelled] = _visits(app, case_id=case.id)
    assert cancelled.status is VisitStatus.CANCELLED
    timeline = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for text in ("Customer asked", "Tina is ill", "Solved by phone", "Visit reassigned", "Visit cancelled"):
        assert text in timeline


def test_the_technician_sees_a_booked_visit_on_today(app, client, make, office):
    case = make.case(status=CaseStatus.VISIT_NEEDED, description="Dishwasher leaks")
    with app.app_context():
        now = clock.now()
        # Late in the evening nothing fits today any more: then the first morning slot tomorrow.
        day = clock.today() + timedelta(days=1 if now.hour >= 21 else 0)
        hour = 7 if now.hour >= 21 else max(now.hour + 1, 7)
    assert _book(client, case, office["tech"], day.isoformat(), start=f"{hour:02d}:00", end=f"{hour + 1:02d}:30",
                 minutes="60").status_code == 303
    phone = app.test_client()
    phone.post("/login", data={"email": "tina@example.com", "password": PASSWORD})
    assert "Dishwasher leaks" in phone.get(f"/today?day={day.isoformat()}").get_data(as_text=True)


def _tech_page(app, visit_id):
    phone = app.test_client()
    phone.post("/login", data={"email": "tina@example.com", "password": PASSWORD})
    html = phone.get(f"/visits/{visit_id}").get_data(as_text=True)
    return phone, re.search(r'name="schedule_version" value="(\d+)"', html).group(1)


def test_a_technician_acting_on_a_moved_visit_gets_a_409_and_nothing_is_saved(app, client, make, office):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, case, office["tech"], office["day"])
    [visit] = _visits(app, case_id=case.id)
    phone, version = _tech_page(app, visit.id)
    client.post(f"/cases/{case.id}/visits/{visit.id}/reschedule", data={
        "day": office["day"], "start": "17:00", "window_end": "19:00", "minutes": "60", "reason": "Traffic"})

    response = phone.post(f"/visits/{visit.id}/start-travel",
                          data={"client_id": str(uuid.uuid4()), "schedule_version": version})

    assert response.status_code == 409
    assert "The office rescheduled this visit" in response.get_data(as_text=True)
    assert _visits(app, id=visit.id)[0].status is VisitStatus.SCHEDULED


def test_a_technician_acting_on_a_reassigned_visit_is_told_so(app, client, make, office):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, case, office["tech"], office["day"])
    [visit] = _visits(app, case_id=case.id)
    phone, version = _tech_page(app, visit.id)
    client.post(f"/cases/{case.id}/visits/{visit.id}/reassign",
                data={"technician_id": office["other"].id, "reason": "Closer by"})

    response = phone.post(f"/visits/{visit.id}/fields/actions_taken", data={
        "client_id": str(uuid.uuid4()), "schedule_version": version, "actions_taken": "typed"})

    assert response.status_code == 409
    assert "reassigned this visit to another technician" in response.get_data(as_text=True)
    assert _visits(app, id=visit.id)[0].actions_taken is None


@pytest.mark.parametrize("change, data", [
    ("reschedule", {"day": "", "start": "16:00", "window_end": "18:00", "minutes": "60", "reason": "Moved"}),
    ("reschedule", {"day": "TOMORROW", "start": "16:00", "window_end": "18:00", "minutes": "60",
                    "reason": "Moved"}),
    ("reassign", {"reason": "Tina is ill"}),  # no technician
    ("reassign", {"technician_id": "OTHER", "reason": "Tina is ill"}),
    ("cancel", {}),  # no reason
    ("cancel", {"reason": "Solved by phone"}),
])
def test_a_change_to_a_visit_cancelled_meanwhile_is_refused_with_the_page_whole(app, client, make, office, change,
                                                                                 data):
    """Dispatcher A cancels the visit; dispatcher B, on the page from before, sends a change."""
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    _book(client, case, office["tech"], office["day"])
    [visit] = _visits(app, case_id=case.id)
    base = f"/cases/{case.id}/visits/{visit.id}"
    assert client.post(f"{base}/cancel", data={"reason": "Customer cancelled"}).status_code == 303
    data = {k: office["day"] if v == "TOMORROW" else str(office["other"].id) if v == "OTHER" else v
            for k, v in data.items()}

    response = client.post(f"{base}/{change}", data=data)

    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert 'id="visits"' in html and "</html>" in html  # the case page, whole
    assert "message--error" in html
    [still] = _visits(app, case_id=case.id)
    assert still.status is VisitStatus.CANCELLED and still.technician_id == office["tech"].id
