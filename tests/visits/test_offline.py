"""Offline support on the server: what the phone is told to keep, the queue's way back in
(its times bounded, its refusals explained in headers), the last sync on the board, and
sign-out clearing the phone."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Rating, Role, User, Visit, VisitStatus
from tests.conftest import load_row
from tests.visits.test_handover import rating_data

QUEUED = {"X-FieldApp-Queued": "1", "HX-Request": "true"}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@pytest.fixture
def tech(auth):
    return auth.as_role(Role.TECHNICIAN)


@pytest.fixture
def planned(make):
    """A visit of this technician's, planned yesterday (a queued time may be any time since)."""
    def planned(technician, **kw):
        return make.visit(technician, created_at=datetime.now(timezone.utc) - timedelta(days=1), **kw)
    return planned


def local(app, days: int, hour: int, minute: int = 0) -> datetime:
    with app.app_context():
        return clock.at_local(clock.today() + timedelta(days=days), hour, minute)


def day(app, days: int = 0):
    with app.app_context():
        return clock.today() + timedelta(days=days)


def post(client, url, **data):
    return client.post(url, data={"client_id": str(uuid.uuid4()), **data}, headers=QUEUED)


def test_the_phone_is_told_to_keep_today_tomorrow_their_visits_and_product_histories(app, client, make, tech):
    today = make.visit(tech, make.case(asset=make.asset()), start=local(app, 0, 9))
    tomorrow = make.visit(tech, start=local(app, 1, 9))
    later = make.visit(tech, start=local(app, 3, 9))
    someone_elses = make.visit(make.user(Role.TECHNICIAN), start=local(app, 0, 10))

    plan = client.get("/offline/manifest", headers={"HX-Request": "true"}).get_json()

    urls = plan["urls"]
    assert {"/today", f"/today?day={day(app, 1).isoformat()}", "/offline", "/sync",
            "/offline/parts.json", f"/visits/{today.id}", f"/visits/{today.id}/handover/",
            f"/visits/{tomorrow.id}"} <= set(urls)
    assert any(url.startswith("/a/") for url in urls)  # the product's history
    assert f"/visits/{later.id}" not in urls and f"/visits/{someone_elses.id}" not in urls
    assert [v["id"] for v in plan["visits"]] == [today.id, tomorrow.id]
    assert load_row(app, User, tech.id).last_sync_at is not None


def test_the_plan_changes_when_a_kept_page_would(app, client, make, tech):
    visit = make.visit(tech, start=local(app, 0, 9))
    first = client.get("/offline/manifest").get_json()["version"]
    assert client.get("/offline/manifest").get_json()["version"] == first

    post(client, f"/visits/{visit.id}/start-travel")

    assert client.get("/offline/manifest").get_json()["version"] != first


def test_the_queue_gets_a_fresh_csrf_token_never_cached(client, tech):
    response = client.get("/offline/token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["csrf"] and response.get_json()["user"] == tech.id


def test_the_service_worker_is_served_at_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "importScripts(\"/static/store.js?v=" in body and "/static/app.css?v=" in body


def test_queued_steps_keep_the_technicians_times(app, client, planned, tech):
    travelled = datetime.now(timezone.utc) - timedelta(minutes=40)
    arrived = travelled + timedelta(minutes=25)
    visit = planned(tech, start=travelled - timedelta(minutes=5))  # the same day, whatever the hour

    assert post(client, f"/visits/{visit.id}/start-travel", happened_at=iso(travelled)).status_code == 303
    assert post(client, f"/visits/{visit.id}/arrive", happened_at=iso(arrived)).status_code == 303

    row = load_row(app, Visit, visit.id)
    assert row.travel_started_at == travelled
    assert row.arrived_at == arrived and row.status is VisitStatus.ON_SITE
    assert load_row(app, User, tech.id).last_sync_at is not None


@pytest.mark.parametrize("moment, message", [
    (lambda: datetime.now(timezone.utc) + timedelta(hours=2), "in the future"),
    (lambda: datetime.now(timezone.utc) - timedelta(days=30), "before the visit was planned"),
])
def test_a_queued_time_out_of_bounds_is_refused_with_its_reason(app, client, make, tech, moment, message):
    visit = make.visit(tech)

    response = post(client, f"/visits/{visit.id}/start-travel", happened_at=iso(moment()))

    assert response.status_code == 422
    assert message in unquote(response.headers["X-FieldApp-Message"])
    assert load_row(app, Visit, visit.id).status is VisitStatus.SCHEDULED


def test_a_step_cannot_be_dated_before_the_step_it_follows(app, client, planned, tech):
    travelled = datetime.now(timezone.utc) - timedelta(minutes=10)
    visit = planned(tech, status=VisitStatus.TRAVELLING, travel_started_at=travelled)

    response = post(client, f"/visits/{visit.id}/arrive", happened_at=iso(travelled - timedelta(minutes=5)))

    assert response.status_code == 422
    assert "before the visit's previous step" in unquote(response.headers["X-FieldApp-Message"])


def test_a_time_without_its_offset_is_refused(app, client, make, tech):
    visit = make.visit(tech)
    response = post(client, f"/visits/{visit.id}/start-travel", happened_at="2026-11-23T10:00:00")
    assert response.status_code == 422
    assert "not a valid time" in unquote(response.headers["X-FieldApp-Message"])


def test_a_form_refusal_tells_the_queue_which_field_and_why(app, client, make, tech):
    visit = make.visit(tech, status=VisitStatus.ON_SITE, arrived_at=datetime.now(timezone.utc))

    response = post(client, f"/visits/{visit.id}/complete")

    assert response.status_code == 422
    message = unquote(response.headers["X-FieldApp-Message"])
    assert "Choose the outcome before completing." in message and "Describe the actions taken" in message


def test_a_change_made_on_an_older_plan_gets_409_with_the_current_version(app, client, make, tech, auth):
    visit = make.visit(tech, schedule_version=3)

    response = post(client, f"/visits/{visit.id}/fields/actions_taken", actions_taken="Done", schedule_version="2")

    assert response.status_code == 409 and response.headers["X-Schedule-Version"] == "3"
    assert "The office changed this visit" in unquote(response.headers["X-FieldApp-Message"])
    assert load_row(app, Visit, visit.id).actions_taken is None


def test_a_queued_rating_keeps_the_time_the_customer_gave_it(app, client, planned, tech):
    arrived = datetime.now(timezone.utc) - timedelta(minutes=30)
    visit = planned(tech, status=VisitStatus.ON_SITE, arrived_at=arrived)
    rated = arrived + timedelta(minutes=20)

    response = client.post(f"/visits/{visit.id}/handover/", data={**rating_data(), "happened_at": iso(rated)},
                           headers=QUEUED)

    assert response.status_code == 303
    with app.app_context():
        assert db.session.query(Rating).filter_by(visit_id=visit.id).one().created_at == rated


def test_keeping_the_rating_page_for_later_does_not_lock_the_phone(app, client, make, tech):
    visit = make.visit(tech)  # not reached yet: the customer will rate it later, maybe without signal

    kept = client.get(f"/visits/{visit.id}/handover/", headers={"X-FieldApp-Prefetch": "1"})

    assert kept.status_code == 200 and "Submit rating" in kept.get_data(as_text=True)
    assert client.get("/today").status_code == 200  # no hand-over: reading a page never locks


def test_the_board_shows_each_technicians_last_sync(app, client, make, auth):
    tech = make.user(Role.TECHNICIAN, name="Sam Sync")
    with app.app_context():
        db.session.get(User, tech.id).last_sync_at = clock.at_local(clock.today(), 8, 15)
        db.session.commit()
    make.user(Role.TECHNICIAN, name="Nia Never")
    auth.as_role(Role.DISPATCHER)

    html = client.get("/dispatch/").get_data(as_text=True)

    assert "phone last synced" in html and "08:15" in html
    assert "phone never synced" in html


def test_sign_out_clears_the_phones_copies_and_queue(client, tech):
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_offline_page_lists_what_the_phone_keeps(client, make, tech):
    customer = make.customer(name="Ada Lovelace")
    make.visit(tech, make.case(asset=make.asset(customer=customer), customer=customer), start=local(client.application, 0, 9))
    html = client.get("/offline").get_data(as_text=True)
    assert "No signal" in html and "Ada Lovelace" in html and "Tomorrow" in html


def test_the_plan_costs_the_same_queries_for_two_visits_or_twelve(app, client, make, tech, count_queries):
    for days in (0, 1):
        make.visit(tech, make.case(asset=make.asset()), start=local(app, days, 8))
    client.get("/offline/manifest")  # the session's first request loads more
    with count_queries() as two:
        client.get("/offline/manifest")
    for hour in range(9, 19):
        make.visit(tech, make.case(asset=make.asset()), start=local(app, hour % 2, hour))
    with count_queries() as twelve:
        assert len(client.get("/offline/manifest").get_json()["visits"]) == 12
    assert twelve.count == two.count


def test_a_plain_request_from_elsewhere_does_not_make_the_phone_look_synced(app, client, tech):
    assert client.get("/offline/manifest").status_code == 200  # an <img src> on another site
    assert load_row(app, User, tech.id).last_sync_at is None
