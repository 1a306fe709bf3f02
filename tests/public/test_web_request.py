"""The public request form without a QR label: it lands in the dispatcher's queue as a web
request, linked to the product when the serial (and postcode, if given) match, and never says
whether they did."""
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Channel

DATA = {"name": "Sam Klant", "phone": "+31 6 1234 0000", "email": "", "description": "The pump hums but no water",
        "preferred_time": "", "website": ""}


def _only_case(app) -> Case:
    with app.app_context():
        [case] = db.session.scalars(select(Case)).all()
        case.events
        db.session.expunge(case)
        return case


def test_a_request_with_a_known_serial_is_linked_to_the_product(app, client, make):
    asset = make.asset(serial_number="PMP-77", customer=make.customer(address="Dorpsstraat 1, 1234 AB Ergens"))
    response = client.post("/request/", data={**DATA, "serial": "pmp-77", "postcode": "1234ab"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    case = _only_case(app)
    assert case.number in page
    assert (case.asset_id, case.customer_id, case.channel, case.status) == (asset.id, asset.customer_id, Channel.WEB,
                                                                            CaseStatus.NEW)


def test_an_unknown_serial_or_other_postcode_still_reaches_the_queue_unlinked(app, client, make):
    make.asset(serial_number="PMP-78", customer=make.customer(address="Dorpsstraat 1, 1234 AB Ergens"))
    linked = client.post("/request/", data={**DATA, "serial": "PMP-78", "postcode": "9999 ZZ"})
    assert linked.status_code == 303
    case = _only_case(app)
    assert case.asset_id is None and case.customer_id is None
    assert "postcode 9999 ZZ" in case.events[0].note


def test_the_answer_does_not_say_whether_a_serial_exists(app, client, make):
    make.asset(serial_number="PMP-79")
    known = client.post("/request/", data={**DATA, "serial": "PMP-79"})
    unknown = client.post("/request/", data={**DATA, "serial": "NOPE-1"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]


def test_bad_input_is_refused_with_messages_and_nothing_saved(app, client):
    response = client.post("/request/", data={**DATA, "description": "", "phone": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tell us what is wrong." in html and 'value="Sam Klant"' in html
    with app.app_context():
        assert db.session.scalars(select(Case)).all() == []


def test_the_honeypot_stores_nothing(app, client):
    response = client.post("/request/", data={**DATA, "website": "http://spam.example"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Case)).all() == []


def test_flooding_the_form_is_refused(client):
    statuses = [client.post("/request/", data=DATA).status_code for _ in range(6)]
    assert statuses[:5] == [303] * 5 and statuses[5] == 429
