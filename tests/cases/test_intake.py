"""Taking a request at the desk: find or create the customer, find the product, see an open
case on it first; bad input keeps what was typed."""
import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Channel, Role


@pytest.fixture
def desk(auth):
    return auth.as_role(Role.DISPATCHER)


def _cases(app):
    with app.app_context():
        return db.session.scalars(select(Case).order_by(Case.id)).all()


REQUEST = {"channel": "phone", "case_type": "repair", "priority": "high", "description": "Makes a grinding noise",
           "preferred_time": "Afternoons"}


def test_a_phone_request_for_a_known_customers_product(app, client, make, desk):
    asset = make.asset(serial_number="WM-1001")
    page = client.get(f"/intake/new?customer_id={asset.customer_id}").get_data(as_text=True)
    assert "WM-1001" in page  # the customer's products to pick from

    response = client.post("/intake/new", data={**REQUEST, "customer_id": asset.customer_id,
                                                "asset_id": asset.id})

    assert response.status_code == 303
    [case] = _cases(app)
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert (case.asset_id, case.channel, case.status, case.preferred_time) == (
        asset.id, Channel.PHONE, CaseStatus.NEW, "Afternoons")


def test_a_new_customer_and_a_product_found_by_serial(app, client, make, desk):
    asset = make.asset(serial_number="WM-2002", customer=make.customer(name="Vorige Eigenaar"))
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_phone": "+31 6 4999 0000",
                                                "serial": "wm-2002"})
    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.customer.name == "Nieuwe Klant" and case.asset_id == asset.id
        # The product changed hands, maybe: the dispatcher is asked to check.
        assert case.attention_reason == "Product registered to Vorige Eigenaar: check who owns it now"


def test_an_existing_customer_cannot_pick_anothers_product(app, client, make, desk):
    make.asset(serial_number="WM-3003")
    other = make.customer()
    response = client.post("/intake/new", data={**REQUEST, "customer_id": other.id, "serial": "WM-3003"})
    assert response.status_code == 422 and "belongs to another customer" in response.get_data(as_text=True)
    assert _cases(app) == []


def test_an_open_case_on_the_product_is_shown_before_a_second(app, client, make, desk):
    asset = make.asset()
    existing = make.case(asset=asset, status=CaseStatus.ASSESSING)
    data = {**REQUEST, "customer_id": asset.customer_id, "asset_id": asset.id}

    first = client.post("/intake/new", data=data)
    html = first.get_data(as_text=True)
    assert first.status_code == 409 and existing.number in html and "Open a new case anyway" in html
    assert "Makes a grinding noise" in html  # nothing typed is lost
    assert len(_cases(app)) == 1

    assert client.post("/intake/new", data={**data, "confirm_duplicate": "y"}).status_code == 303
    assert len(_cases(app)) == 2


@pytest.mark.parametrize("data, message", [
    ({"description": ""}, "Describe the request."),
    ({"customer_id": ""}, "Find the customer, or fill in a new customer below."),
    ({"serial": "NOPE-1"}, "No product has serial number NOPE-1"),
    ({"contact_phone": "call me"}, "Enter a phone number"),
])
def test_bad_requests_say_why_and_keep_the_text(app, client, make, desk, data, message):
    customer = make.customer()
    response = client.post("/intake/new", data={**REQUEST, "customer_id": customer.id, **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert _cases(app) == []


def test_a_new_customer_with_a_new_product_in_one_submission(app, client, make, desk):
    model = make.product_model(name="AquaPure 300", warranty_months=24)
    page = client.get("/intake/new").get_data(as_text=True)
    assert "Not registered yet: register it with this request" in page and "AquaPure 300" in page
    assert 'href="/assets/new"' not in page  # no link that leaves the page and loses what was typed

    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_phone": "+31 6 4999 0000",
                                                "serial": "AP-NEW-1", "new_model_id": model.id,
                                                "new_sales_date": "2026-03-01"})

    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case))
        asset = case.asset
        assert (asset.serial_number, asset.product_model_id, asset.customer.name, asset.sales_date.isoformat()) == (
            "AP-NEW-1", model.id, "Nieuwe Klant", "2026-03-01")
        assert case.customer_id == asset.customer_id
        [warranty] = asset.coverages
        assert warranty.ends_on.isoformat() == "2028-02-29"  # the model's 24 months from the sale


@pytest.mark.parametrize("data, message, field", [
    ({"new_model_id": "__MODEL__"}, "Enter the date it was sold", "new_sales_date"),
    ({"new_sales_date": "2026-03-01"}, "Choose its model and sale date below", "serial"),
    ({"new_model_id": "__MODEL__", "new_sales_date": "2199-01-01"}, "cannot be in the future", "new_sales_date"),
    ({"new_model_id": "999999", "new_sales_date": "2026-03-01"}, "Choose the product&#39;s model.", "new_model_id"),
    ({"new_model_id": "__MODEL__", "new_sales_date": "2026-03-01", "serial": ""},
     "Enter the serial number of the product to register.", "serial"),
])
def test_a_new_product_that_cannot_be_registered_keeps_everything_typed(app, client, make, desk, data, message,
                                                                         field):
    model = make.product_model(name="AquaPure 300")
    data = {k: (str(model.id) if v == "__MODEL__" else v) for k, v in data.items()}
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "serial": "AP-NEW-2", **data})

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="Nieuwe Klant"' in html and "Makes a grinding noise" in html
    assert '<details class="new-product" open>' in html
    assert _cases(app) == []
    with app.app_context():
        from fieldapp.models import Asset, Customer
        assert db.session.scalars(select(Asset)).all() == [] and db.session.scalars(select(Customer)).all() == []


def test_technicians_cannot_take_requests(client, auth):
    auth.as_role(Role.TECHNICIAN)
    assert client.get("/intake/new").status_code == 403


def test_a_new_customers_language_is_kept_on_the_customer(app, client, make, desk):
    page = client.get("/intake/new").get_data(as_text=True)
    assert 'name="new_language"' in page and "Same as the company (English)" in page and "Deutsch" in page

    response = client.post("/intake/new", data={**REQUEST, "new_name": "Neue Kundin", "new_language": "de"})

    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert (case.customer.name, case.customer.language) == ("Neue Kundin", "de")


def test_the_company_language_is_stored_as_none(app, client, make, desk):
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_language": ""})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Case)).customer.language is None


def test_an_unknown_language_is_refused_and_keeps_what_was_typed(app, client, make, desk):
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_phone": "+31 6 4999 0000",
                                                "new_language": "xx"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose one of the languages in the list." in html
    assert 'value="Nieuwe Klant"' in html and 'value="+31 6 4999 0000"' in html and "Makes a grinding noise" in html
    assert '<details class="new-customer" open>' in html
    assert _cases(app) == []
    with app.app_context():
        from fieldapp.models import Customer
        assert db.session.scalars(select(Customer)).all() == []
