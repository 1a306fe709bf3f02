"""The customer's answers, by the links in our messages and without an account: the status page,
confirming, moving and cancelling a visit, the survey, unsubscribing, writing to the office; and
what an expired, revoked or unknown link shows."""
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    AttentionItem, Case, CaseEvent, CaseMessage, CaseStatus, ContactBy, CustomerLink, LinkPurpose, OutboundMail,
    Outcome, Rating, RatingSource, Role, ServiceType, User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import booking, customer_links, notify, visits
from tests.conftest import jpeg_bytes


@pytest.fixture
def booked(app, make):
    """A case of Ada's with a visit booked by the office three days ahead at 09:00."""
    customer = make.customer(name="Ada Lovelace", email="ada@example.com", phone="+31 6 12345678",
                             contact_by=ContactBy.EMAIL)
    case = make.case(asset=make.asset(customer=customer), status=CaseStatus.VISIT_NEEDED)
    technician = make.user(Role.TECHNICIAN, name="Tina Tech")
    dispatcher = make.user(Role.DISPATCHER, name="Dana Desk")
    with app.test_request_context():
        start = clock.at_local(clock.today() + timedelta(days=3), 9)
        visit = booking.schedule_visit(db.session.get(Case, case.id), db.session.get(User, technician.id), start,
                                       start + timedelta(hours=2), ServiceType.REPAIR, 60, "Dog in the garden",
                                       db.session.get(User, dispatcher.id))
        db.session.commit()
        return {"case": case.id, "visit": visit.id, "technician": technician.id, "dispatcher": dispatcher.id}


def link_path(app, purpose: LinkPurpose, **about) -> str:
    with app.test_request_context():
        query = select(CustomerLink).where(CustomerLink.purpose == purpose)
        for column, value in about.items():
            query = query.where(getattr(CustomerLink, column) == value)
        link = db.session.scalars(query.order_by(CustomerLink.id.desc())).first()
        return urlsplit(customer_links.url(link)).path


def test_the_booking_message_links_the_status_page_which_shows_what_the_customer_knows(app, client, booked):
    path = link_path(app, LinkPurpose.STATUS, case_id=booked["case"])
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A visit is planned." in page and "Tina" in page
    assert "Tina Tech" not in page and "Dog in the garden" not in page  # first name only; no internal note
    assert response.headers["X-Robots-Tag"].startswith("noindex") and response.headers["Referrer-Policy"] == "no-referrer"
    assert 'name="robots" content="noindex' in page


def test_the_customer_confirms_and_the_office_sees_it(app, client, booked, auth):
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    assert client.post(path + "/confirm", data={"version": 1}).status_code == 303
    assert "the visit is confirmed" in client.get(path + "?done=confirmed").get_data(as_text=True)
    auth.as_role(Role.DISPATCHER)
    case_page = client.get(f"/cases/{booked['case']}").get_data(as_text=True)
    assert "Confirmed by the customer" in case_page and "Visit confirmed by the customer" in case_page


def test_moving_offers_only_free_windows_and_moves_the_visit_for_the_technician(app, client, make, booked):
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    with app.test_request_context():
        day = clock.today() + timedelta(days=4)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        busy = clock.at_local(day, 10)
    make.visit(technician=db_user(app, booked["technician"]), start=busy, expected_minutes=120)
    page = client.get(path).get_data(as_text=True)
    with app.test_request_context():
        free, taken = clock.at_local(day, 13).isoformat(), busy.isoformat()
    assert f'value="{free}"' in page and f'value="{taken}"' not in page  # the technician is out at 10:00

    response = client.post(path + "/move", data={"version": 1, "start": free})
    assert response.status_code == 303
    with app.test_request_context():
        visit = db.session.get(Visit, booked["visit"])
        assert clock.local(visit.scheduled_start).hour == 13 and visit.schedule_version == 2
        assert visit.technician_id == booked["technician"]
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "visit_rescheduled")).one()
        assert event.user_id is None and "Moved by the customer" in event.note
        moved = db.session.scalars(select(OutboundMail).where(OutboundMail.kind == "visit_moved")).one()
        assert "13:00" in moved.body


def db_user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_a_move_drawn_on_an_old_plan_is_a_clear_409(app, client, booked):
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    page = client.get(path).get_data(as_text=True)
    start = re.search(r'<input[^>]*name="start"[^>]*value="([^"]+)"', page).group(1)
    with app.test_request_context():  # the office moves it meanwhile
        visit = db.session.get(Visit, booked["visit"])
        later = visit.scheduled_start + timedelta(days=1)
        booking.reschedule(visit, later, later + timedelta(hours=2), 60, "Van broke down",
                           db.session.get(User, booked["dispatcher"]))
        db.session.commit()
    response = client.post(path + "/move", data={"version": 1, "start": start})
    assert response.status_code == 409
    assert "changed by our office" in response.get_data(as_text=True)


def test_a_time_not_offered_is_refused_and_nothing_moves(app, client, booked):
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    response = client.post(path + "/move", data={"version": 1, "start": "2099-01-01T03:00:00+00:00"})
    assert response.status_code == 409
    response = client.post(path + "/move", data={"version": 1, "start": "tomorrow"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Visit, booked["visit"]).schedule_version == 1


def test_cancelling_needs_a_reason_and_keeps_what_was_typed(app, client, booked):
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    response = client.post(path + "/cancel", data={"version": 1, "reason": "   "})
    assert response.status_code == 422
    assert "Tell us why" in response.get_data(as_text=True)
    response = client.post(path + "/cancel", data={"version": 1, "reason": "We sold the house <b>today</b>"})
    assert response.status_code == 303
    with app.app_context():
        visit = db.session.get(Visit, booked["visit"])
        assert visit.status is VisitStatus.CANCELLED
        assert db.session.scalar(select(func.count(AttentionItem.id)).where(
            AttentionItem.case_id == booked["case"])) == 1
    # The link ends with the visit: a friendly page that says so, with our phone number.
    gone = client.get(path)
    assert gone.status_code == 410 and "+31 20 123 4567" in gone.get_data(as_text=True)


def test_a_visit_too_close_cannot_be_changed_here(app, client, booked):
    with app.app_context():
        visit = db.session.get(Visit, booked["visit"])
        visit.scheduled_start = utcnow() + timedelta(hours=3)
        visit.scheduled_end = visit.scheduled_start + timedelta(hours=2)
        db.session.commit()
    path = link_path(app, LinkPurpose.VISIT, visit_id=booked["visit"])
    page = client.get(path).get_data(as_text=True)
    assert "too close to change here" in page and 'name="start"' not in page
    assert client.post(path + "/cancel", data={"version": 1, "reason": "Ill"}).status_code == 409


def test_revoked_expired_and_unknown_links_get_a_friendly_page(app, client, booked, auth):
    path = link_path(app, LinkPurpose.STATUS, case_id=booked["case"])
    auth.as_role(Role.DISPATCHER)
    with app.app_context():
        link_id = db.session.scalar(select(CustomerLink.id).where(CustomerLink.purpose == LinkPurpose.STATUS))
    assert client.post(f"/cases/{booked['case']}/links/{link_id}/revoke").status_code == 303
    auth.logout()
    revoked = client.get(path)
    assert revoked.status_code == 410 and "switched this link off" in revoked.get_data(as_text=True)
    unknown = client.get("/my/" + "A" * 32)
    assert unknown.status_code == 404 and "do not recognise this link" in unknown.get_data(as_text=True)
    assert client.get("/my/visit/<script>").status_code == 404


def _complete(app, visit_id, days_ago=3):
    with app.test_request_context():
        visit = db.session.get(Visit, visit_id)
        visit.status = VisitStatus.COMPLETED
        visit.outcome = Outcome.RESOLVED
        visit.actions_taken = "Replaced the pump."
        visit.completed_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def test_the_survey_goes_once_and_its_rating_counts_and_a_complaint_opens_one(app, client, booked):
    _complete(app, booked["visit"])
    with app.test_request_context():
        assert notify.due_surveys() == 1
        assert notify.due_surveys() == 0  # however often cron runs
    path = link_path(app, LinkPurpose.SURVEY, visit_id=booked["visit"])
    stars = {a: "2" for a in ("overall", "timeliness", "professionalism", "quality", "product_performance")}
    refused = client.post(path, data={"overall": "2", "comments": "Late"})
    assert refused.status_code == 422 and "Late" in refused.get_data(as_text=True)
    answer = {**stars, "complaint": "He was two hours late.", "client_id": str(uuid.uuid4())}
    assert client.post(path, data=answer).status_code == 303
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == booked["visit"]))
        assert rating.source is RatingSource.SURVEY and rating.overall == 2
        assert db.session.get(Case, booked["case"]).needs_attention
        answered = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "survey_answered")).one()
        assert answered.note == "Overall 2/5, by the survey link" and answered.user_id is None
    assert client.get(path).status_code == 410  # answered: the link is spent


def test_one_click_unsubscribe_stops_surveys_but_not_visit_news(app, client, booked):
    _complete(app, booked["visit"])
    with app.test_request_context():
        notify.due_surveys()
        db.session.commit()
    path = link_path(app, LinkPurpose.UNSUBSCRIBE)
    with app.app_context():
        survey = db.session.scalar(select(OutboundMail).where(OutboundMail.kind == "survey"))
        assert survey.unsubscribe_url.endswith(path)
    # RFC 8058: the mail client posts this, with no page and no CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    assert "no more reminders and surveys" in client.get(path).get_data(as_text=True).lower()
    with app.test_request_context():
        assert notify.opted_out("ada@example.com")
        case = db.session.get(Case, booked["case"])
        assert notify.send("survey", case, db.session.get(Visit, booked["visit"])) == []
        assert notify.send("request_received", case) != []  # essential news still goes


def test_the_customer_writes_to_the_office_with_a_photo(app, client, booked, auth):
    path = link_path(app, LinkPurpose.STATUS, case_id=booked["case"])
    empty = client.post(path + "/message", data={"body": ""})
    assert empty.status_code == 422
    response = client.post(path + "/message", data={"body": "The leak is worse <script>x</script>",
                                                    "photo": (__import__("io").BytesIO(jpeg_bytes()), "leak.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        message = db.session.scalar(select(CaseMessage))
        assert message.photo_name and message.body.startswith("The leak")
        assert db.session.get(Case, booked["case"]).needs_attention
    auth.as_role(Role.DISPATCHER)
    page = client.get(f"/cases/{booked['case']}").get_data(as_text=True)
    assert "The leak is worse &lt;script&gt;" in page
    photo = client.get(f"/cases/{booked['case']}/customer-messages/{message.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    photo.close()


def test_reminders_go_once_per_planned_time_and_again_after_a_move(app, booked):
    with app.test_request_context():
        visit = db.session.get(Visit, booked["visit"])
        now = visit.scheduled_start - timedelta(hours=20)
        assert notify.due_reminders(now) == 1
        assert notify.due_reminders(now) == 0
        later = visit.scheduled_start + timedelta(days=1)
        visit.scheduled_start, visit.scheduled_end = later, later + timedelta(hours=2)
        db.session.commit()
        assert notify.due_reminders(later - timedelta(hours=20)) == 1


def test_on_my_way_tells_the_arrival_time_and_the_status_page_shows_it(app, client, booked):
    with app.test_request_context():
        visit = db.session.get(Visit, booked["visit"])
        visit.scheduled_start = utcnow() - timedelta(minutes=5)
        visit.scheduled_end = utcnow() + timedelta(hours=2)
        db.session.commit()
        visits.start_travel(visit, arrival_minutes=20)
        db.session.commit()
        said = db.session.scalar(select(OutboundMail).where(OutboundMail.kind == "on_my_way"))
        arrival = clock.local(visit.expected_arrival_at).strftime("%H:%M")
        assert arrival in said.subject and "Tina" in said.subject
    page = client.get(link_path(app, LinkPurpose.STATUS, case_id=booked["case"])).get_data(as_text=True)
    assert f"arriving around {arrival}" in page
