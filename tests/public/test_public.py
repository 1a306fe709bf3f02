"""/a/<token> for customers: nothing private, warranty and care, requests and ratings, abuse."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import (
    Case, CaseStatus, Channel, Complaint, Outcome, Rating, RatingSource, Role, VisitStatus,
)

STARS = {"overall": "5", "timeliness": "4", "professionalism": "5", "quality": "4", "product_performance": "5"}


@pytest.fixture
def customer(make):
    return make.customer(name="Margaret Hamilton", phone="+31 6 1111 2222", email="margaret@example.com",
                         address="Apollostraat 11, 1969 MH Houston")


@pytest.fixture
def asset(make, customer):
    model = make.product_model(name="ThermaHeat HP-9", care_tips="Keep 50 cm clear around the unit.",
                               maintenance_interval_months=12)
    return make.asset(customer=customer, product_model=model, serial_number="HP9-SECRET-1",
                      install_address="Lunar Lane 1, Moonbase")


def completed_visit(make, asset, days_ago=2, **kw):
    done = datetime.now(timezone.utc) - timedelta(days=days_ago)
    return make.visit(make.user(Role.TECHNICIAN), make.case(asset=asset), start=done - timedelta(hours=2),
                      status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED, actions_taken="Fixed",
                      arrived_at=done - timedelta(hours=1), completed_at=done, **kw)


def test_the_public_page_shows_the_model_warranty_and_care_but_nothing_private(client, asset, customer):
    response = client.get(f"/a/{asset.qr_token}")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "ThermaHeat HP-9" in html and "In warranty" in html and "Keep 50 cm clear" in html
    assert "Next maintenance" in html and "Request service" in html
    for private in (customer.name, "Margaret", customer.phone, "1111 2222", customer.email, "Apollostraat",
                    "Houston", "Lunar Lane", asset.serial_number):
        assert private not in html, private
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "https://" not in html.split("<body", 1)[1].split("Manuals and help")[0]  # nothing third-party before links


def test_the_public_page_loads_nothing_from_other_sites(client, asset):
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    import re

    sources = re.findall(r'(?:src|href)="([^"]+)"', html.split("<body", 1)[0]) + re.findall(r'src="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources


def test_out_of_warranty_products_say_so(client, make):
    asset = make.asset(warranty=False)
    assert "Out of warranty" in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)


def test_unknown_and_replaced_labels_are_404_with_a_clear_message(app, client, make, asset):
    unknown = client.get("/a/not-a-real-token-at-all-xyz")
    assert unknown.status_code == 404 and "not recognised" in unknown.get_data(as_text=True)
    from fieldapp.models import Asset as AssetModel
    from fieldapp.services import assets as asset_service

    admin = make.user(Role.ADMIN)
    with app.app_context():
        row = db.session.get(AssetModel, asset.id)
        asset_service.replace_label(row, db.session.merge(admin))
        db.session.commit()
    replaced = client.get(f"/a/{asset.qr_token}")
    assert replaced.status_code == 404 and "has been replaced" in replaced.get_data(as_text=True)
    assert client.get("/a/" + "x" * 300).status_code == 404


def request_data(**overrides):
    return {"name": "Ada", "phone": "+31 6 5555 0000", "email": "", "description": "It leaks water underneath.",
            "preferred_time": "Weekday mornings", "website": "", **overrides}


def test_a_service_request_lands_in_the_dispatch_queue_with_a_reference(app, client, asset):
    response = client.post(f"/a/{asset.qr_token}/request", data=request_data())
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.channel is Channel.QR and case.status is CaseStatus.NEW and case.asset_id == asset.id
        assert (case.contact_name, case.contact_phone, case.preferred_time) == ("Ada", "+31655550000",  # E.164
                                                                                 "Weekday mornings")
        number = case.number
    assert number in page and "Thank you, we have your request" in page
    # the dispatcher sees it in the queue
    client.get("/logout")
    from tests.conftest import PASSWORD
    from tests.conftest import Factory

    dispatcher = Factory(app).user(Role.DISPATCHER)
    client.post("/login", data={"email": dispatcher.email, "password": PASSWORD})
    assert number in client.get("/dispatch/").get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Enter your name."),
    ({"phone": "", "email": ""}, "Give a phone number or an email address"),
    ({"phone": "call me maybe"}, "Enter a phone number"),
    ({"phone": "", "email": "not-an-email"}, "Enter a valid email address"),
    ({"description": ""}, "Tell us what is wrong."),
    ({"description": "x" * 2001}, "5 to 2000 characters"),
])
def test_bad_requests_get_messages_keep_the_input_and_save_nothing(app, client, asset, overrides, message):
    data = request_data(**overrides)
    response = client.post(f"/a/{asset.qr_token}/request", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    if data["name"]:
        assert 'value="Ada"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


def test_the_honeypot_swallows_bot_requests(app, client, asset):
    response = client.post(f"/a/{asset.qr_token}/request", data=request_data(website="http://spam.example"))
    assert response.status_code == 303
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


def test_the_reference_page_needs_a_request_first(client, asset):
    response = client.get(f"/a/{asset.qr_token}/requested")
    assert response.status_code == 303 and response.headers["Location"] == f"/a/{asset.qr_token}"


def test_flooding_the_request_form_is_refused_with_429(app, client, asset):
    statuses = [client.post(f"/a/{asset.qr_token}/request", data=request_data()).status_code for _ in range(7)]
    assert statuses[:5] == [303] * 5
    assert statuses[5:] == [429, 429]
    flood = client.post(f"/a/{asset.qr_token}/request", data=request_data())
    assert "Too many requests" in flood.get_data(as_text=True) and flood.headers.get("Retry-After")
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 5


def test_flooding_the_public_page_is_refused_with_429(client, asset):
    statuses = {client.get(f"/a/{asset.qr_token}").status_code for _ in range(61)}
    assert statuses == {200, 429}


def test_one_label_is_limited_whatever_the_client_address(client, asset):
    # In-process requests claiming 301 different addresses (no network involved).
    statuses = [client.get(f"/a/{asset.qr_token}", environ_base={"REMOTE_ADDR": f"192.0.2.{n % 250}"}).status_code
                for n in range(301)]
    assert statuses[:300] == [200] * 300 and statuses[300] == 429


def test_a_customer_rates_the_last_visit_from_the_label(app, client, make, asset):
    visit = completed_visit(make, asset)
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Rate your last service" in page

    form = client.get(f"/a/{asset.qr_token}/rate").get_data(as_text=True)
    assert "How did we do?" in form and "Margaret" not in form
    response = client.post(f"/a/{asset.qr_token}/rate", data={**STARS, "client_id": str(uuid.uuid4()),
                                                              "comments": "Great"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Thank you for your rating!" in html and "Keep 50 cm clear" in html and "maintenance" in html
    with app.app_context():
        rating = db.session.scalar(select(Rating))
        assert rating.visit_id == visit.id and rating.source is RatingSource.QR and rating.overall == 5
    assert "Rate your last service" not in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)


def test_rating_twice_says_already_rated(app, client, make, asset):
    completed_visit(make, asset)
    data = {**STARS, "client_id": str(uuid.uuid4())}
    client.post(f"/a/{asset.qr_token}/rate", data=data)
    again = client.post(f"/a/{asset.qr_token}/rate", data={**data, "client_id": str(uuid.uuid4())})
    assert again.status_code == 409 and "Already rated, thank you!" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_a_visit_rated_on_site_cannot_be_rated_again_by_qr(app, client, make, asset):
    visit = completed_visit(make, asset)
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, source=RatingSource.ON_SITE, overall=4, timeliness=4,
                              professionalism=4, quality=4, product_performance=4))
        db.session.commit()
    response = client.post(f"/a/{asset.qr_token}/rate", data={**STARS, "client_id": str(uuid.uuid4())})
    assert response.status_code == 409 and "Already rated" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_an_old_visit_is_not_offered_for_rating(client, make, asset, app):
    completed_visit(make, asset, days_ago=20)
    assert "Rate your last service" not in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Nothing to rate right now" in client.get(f"/a/{asset.qr_token}/rate").get_data(as_text=True)
    response = client.post(f"/a/{asset.qr_token}/rate", data={**STARS, "client_id": str(uuid.uuid4())})
    assert response.status_code == 409


def test_the_rating_window_is_configurable(new_app, make):
    app = new_app(QR_RATING_DAYS=30)
    from tests.conftest import Factory

    factory = Factory(app)
    asset = factory.asset()
    completed_visit(factory, asset, days_ago=20)
    assert "Rate your last service" in app.test_client().get(f"/a/{asset.qr_token}").get_data(as_text=True)


@pytest.mark.parametrize("bad", [{"overall": "6"}, {"overall": "0"}, {"quality": "great"}, {"timeliness": ""}])
def test_bad_scores_are_refused_and_nothing_is_saved(app, client, make, asset, bad):
    completed_visit(make, asset)
    response = client.post(f"/a/{asset.qr_token}/rate", data={**STARS, **bad, "client_id": str(uuid.uuid4())})
    assert response.status_code == 422 and "Choose 1 to 5 stars" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 0


def test_a_low_qr_rating_with_a_complaint_flags_the_case(app, client, make, asset):
    visit = completed_visit(make, asset)
    client.post(f"/a/{asset.qr_token}/rate", data={**STARS, "overall": "1", "complaint": "Mud on the carpet",
                                                   "client_id": str(uuid.uuid4())})
    with app.app_context():
        case = db.session.get(Case, visit.case_id)
        assert case.needs_attention and "rated 1/5" in case.attention_reason
        assert db.session.scalar(select(Complaint.description)) == "Mud on the carpet"


def test_signed_in_staff_get_the_history_instead(client, auth, make, asset, customer):
    completed_visit(make, asset)
    auth.as_role(Role.DISPATCHER)  # technicians see the customer only with a visit of their own
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert customer.name in html and "Case history" in html and "HP9-SECRET-1" in html
    assert "Request service" not in html


def test_the_label_path_is_the_public_route(app, asset):
    from flask import url_for

    from fieldapp.services import qr

    with app.test_request_context():
        assert url_for("public.asset", token=asset.qr_token) == qr.LABEL_PATH + asset.qr_token
