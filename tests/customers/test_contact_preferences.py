"""How a customer wants to hear from us, and their consent: chosen on the customer's form and at
the desk, shown on the customer's page with what keeps a message from reaching them. Phone
numbers typed by staff or customers are checked where they are typed and kept in E.164; one no
country has comes back at its field with everything typed."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, Case, ContactBy, Customer, OptedOut
from tests.conftest import load_row
from tests.reading import visible_text

BAD_PHONE = "+31 6 9999 0000"  # digits and spaces, but no Dutch number starts 06-9
REQUEST = {"channel": "phone", "case_type": "repair", "priority": "normal", "description": "Makes a grinding noise",
           "preferred_time": ""}


def details(**data) -> dict:
    return {"name": "Anna de Vries", "phone": "", "email": "", "address": "Typed street 5", "notes": "",
            "language": "", **data}


def preference_events(app, customer_id: int) -> list[dict]:
    with app.app_context():
        return [event.details for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.contact_preferences",
                                     AuditEvent.entity_id == customer_id).order_by(AuditEvent.id))]


def error_at(html: str, field_id: str) -> str | None:
    found = re.search(rf'<p class="field__error" id="{field_id}-error">([^<]*)</p>', html)
    return found.group(1) if found else None


def all_customers(app) -> list[Customer]:
    with app.app_context():
        found = db.session.scalars(select(Customer).order_by(Customer.id)).all()
        for customer in found:
            db.session.expunge(customer)
        return found


# --- On the customer's form and page ----------------------------------------------------------------------------

def test_the_form_offers_the_four_ways_and_leaves_the_consent_to_type(client, make, dispatcher):
    customer = make.customer(consent_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), consent_how="Web form")
    html = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    choices = html[html.index('name="contact_by"'):]
    choices = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', choices[:choices.index("</select>")])
    assert choices == [("email", "Email"), ("text", "Text message"), ("both", "Email and text message"),
                       ("none", "No messages")]
    assert '<option selected value="both">' in html
    assert re.search(r'<input[^>]*name="consent_how" type="text" value="">', html)  # typed anew, or nothing
    assert "Consent: Given on" in visible_text(html) and "Web form" in html  # what is recorded, beside it


def test_a_changed_preference_with_consent_is_saved_stamped_audited_and_shown(app, client, make, dispatcher):
    customer = make.customer(contact_by=ContactBy.EMAIL)
    before = datetime.now(timezone.utc)
    response = client.post(f"/customers/{customer.id}/edit", data=details(
        name=customer.name, contact_by="both", consent_how="By phone, asked to be texted too"))

    assert response.status_code == 303
    saved = load_row(app, Customer, customer.id)
    assert (saved.contact_by, saved.consent_how) == (ContactBy.BOTH, "By phone, asked to be texted too")
    assert before - timedelta(seconds=1) <= saved.consent_at <= datetime.now(timezone.utc)
    assert preference_events(app, customer.id) == [
        {"from": "email", "to": "both", "consent": "By phone, asked to be texted too"}]
    page = visible_text(client.get(f"/customers/{customer.id}").get_data(as_text=True))
    assert "Messages by Email and text message" in page and "By phone, asked to be texted too" in page


def test_adding_a_channel_needs_how_the_customer_agreed(app, client, make, dispatcher):
    customer = make.customer(contact_by=ContactBy.NONE)
    response = client.post(f"/customers/{customer.id}/edit", data=details(
        name="Anna Typed", contact_by="text", consent_how="  "))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say how the customer agreed" in (error_at(html, "consent_how") or "")
    assert 'value="Anna Typed"' in html and "Typed street 5</textarea>" in html
    assert '<option selected value="text">' in html
    saved = load_row(app, Customer, customer.id)
    assert (saved.name, saved.contact_by, saved.consent_at) == (customer.name, ContactBy.NONE, None)
    assert preference_events(app, customer.id) == []


def test_switching_a_channel_off_needs_no_consent_and_keeps_the_one_recorded(app, client, make, dispatcher):
    agreed = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    customer = make.customer(consent_at=agreed, consent_how="Signed the intake form")
    response = client.post(f"/customers/{customer.id}/edit", data=details(name=customer.name, contact_by="email"))

    assert response.status_code == 303
    saved = load_row(app, Customer, customer.id)
    assert (saved.contact_by, saved.consent_at, saved.consent_how) == (ContactBy.EMAIL, agreed,
                                                                       "Signed the intake form")
    assert preference_events(app, customer.id) == [{"from": "both", "to": "email", "consent": None}]


def test_saving_the_form_as_it_came_changes_no_consent(app, client, make, dispatcher):
    agreed = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    customer = make.customer(phone="+31612345678", consent_at=agreed, consent_how="Web form")
    response = client.post(f"/customers/{customer.id}/edit", data=details(
        name=customer.name, phone="+31612345678", email=customer.email, address=customer.address,
        contact_by="both", consent_how=""))

    assert response.status_code == 303
    assert load_row(app, Customer, customer.id).consent_at == agreed
    assert preference_events(app, customer.id) == []


def test_a_new_customer_with_channels_and_consent(app, client, dispatcher):
    response = client.post("/customers/new", data={**details(phone="06 12345678", contact_by="text",
                                                             consent_how="By phone at intake"),
                                                   "client_id": str(uuid.uuid4())})
    assert response.status_code == 303
    [customer] = all_customers(app)
    assert (customer.phone, customer.contact_by, customer.consent_how) == ("+31612345678", ContactBy.TEXT,
                                                                           "By phone at intake")
    assert customer.consent_at is not None
    page = visible_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "+31 6 12345678" in page  # shown as people read it
    assert "Messages by Text message" in page and "No email address" not in page


def test_the_page_says_what_keeps_messages_from_reaching_the_customer(app, client, make, dispatcher):
    customer = make.customer(email="Anna@Example.com", phone="+31612345678")
    plain = visible_text(client.get(f"/customers/{customer.id}").get_data(as_text=True))
    assert "Consent Not recorded" in plain and "unsubscribed" not in plain

    with app.app_context():
        db.session.add_all([OptedOut(address="anna@example.com"), OptedOut(address="+31612345678"),
                            OptedOut(address="someone.else@example.com")])
        db.session.commit()
    landline = make.customer(email=None, phone="020 555 0101")
    page = visible_text(client.get(f"/customers/{customer.id}").get_data(as_text=True))
    assert "anna@example.com unsubscribed on" in page and "+31 6 12345678 unsubscribed on" in page
    assert "someone.else@example.com" not in page
    other = visible_text(client.get(f"/customers/{landline.id}").get_data(as_text=True))
    assert "No email address: no emails can be sent." in other
    assert "The phone number is not a mobile number: no text messages can be sent." in other


# --- Phone numbers as typed --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["new", "edit"])
def test_a_number_no_country_has_is_refused_at_the_phone_on_the_customer_form(app, client, make, dispatcher, path):
    customer = make.customer()
    url = "/customers/new" if path == "new" else f"/customers/{customer.id}/edit"
    response = client.post(url, data={**details(phone=BAD_PHONE, notes="Dog in the garden"),
                                      "client_id": str(uuid.uuid4())})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a phone number we can call" in (error_at(html, "phone") or "")
    assert f'value="{BAD_PHONE}"' in html and "Dog in the garden</textarea>" in html
    assert [c.name for c in all_customers(app)] == [customer.name]


@pytest.mark.parametrize("typed", ["06 1234 5678", "+31 6 1234 5678", "0031 6 12345678", "+31 (0)6-12.34.56.78"])
def test_a_customer_number_is_kept_in_e164(app, client, make, dispatcher, typed):
    customer = make.customer()
    response = client.post(f"/customers/{customer.id}/edit", data=details(name=customer.name, phone=typed))
    assert response.status_code == 303
    assert load_row(app, Customer, customer.id).phone == "+31612345678"


@pytest.mark.parametrize("field", ["new_phone", "contact_phone"])
def test_a_bad_number_at_the_desk_comes_back_at_its_field(app, client, make, dispatcher, field):
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_phone": "06 12345678",
                                                "new_consent_how": "By phone", field: BAD_PHONE})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a phone number we can call" in (error_at(html, field) or "")
    assert f'value="{BAD_PHONE}"' in html and 'value="Nieuwe Klant"' in html and "Makes a grinding noise" in html
    assert 'value="By phone"' in html
    assert '<details class="new-customer" open>' in html
    assert all_customers(app) == []


def test_the_desk_keeps_a_new_customers_numbers_channels_and_consent(app, client, dispatcher):
    page = client.get("/intake/new").get_data(as_text=True)
    assert 'name="new_contact_by"' in page and 'name="new_consent_how"' in page

    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant", "new_phone": "06 12345678",
                                                "new_contact_by": "email", "new_consent_how": "By phone at intake",
                                                "contact_name": "Buurman", "contact_phone": "+31 6 5555 0000"})

    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case))
        customer = case.customer
        assert (customer.phone, customer.contact_by, customer.consent_how) == (
            "+31612345678", ContactBy.EMAIL, "By phone at intake")
        assert customer.consent_at is not None and case.contact_phone == "+31655550000"


def test_a_new_customer_at_the_desk_without_a_choice_hears_by_both_no_consent_recorded(app, client, dispatcher):
    response = client.post("/intake/new", data={**REQUEST, "new_name": "Nieuwe Klant"})
    assert response.status_code == 303
    [customer] = all_customers(app)
    assert (customer.contact_by, customer.consent_at, customer.consent_how) == (ContactBy.BOTH, None, None)


def test_a_bad_number_on_the_qr_request_form_comes_back_at_its_field(app, client, make):
    asset = make.asset()
    data = {"name": "Ada", "phone": BAD_PHONE, "email": "", "description": "It leaks water underneath.",
            "preferred_time": "Mornings", "website": ""}
    response = client.post(f"/a/{asset.qr_token}/request", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is not a phone number we can call" in (error_at(html, "phone") or "")
    assert f'value="{BAD_PHONE}"' in html and 'value="Ada"' in html and "It leaks water underneath." in html
    with app.app_context():
        assert db.session.scalars(select(Case)).all() == []

    assert client.post(f"/a/{asset.qr_token}/request", data={**data, "phone": "06-1234 5678"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Case.contact_phone)) == "+31612345678"


@pytest.mark.parametrize("form, url", [
    ("complaint", "/a/{token}/complaint"), ("web", "/request/")])
def test_other_public_forms_refuse_a_bad_number_too(app, client, make, form, url):
    asset = make.asset()
    data = {"name": "Ada", "phone": BAD_PHONE, "email": "", "description": "It leaks water underneath.",
            "preferred_time": "", "website": "", "serial": "", "postcode": ""}
    response = client.post(url.format(token=asset.qr_token), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not a phone number we can call" in html
    assert f'value="{BAD_PHONE}"' in html
    with app.app_context():
        assert db.session.scalars(select(Case)).all() == []


def test_the_qr_return_form_refuses_a_bad_number_and_keeps_a_good_one_in_e164(app, client, make):
    asset = make.asset(product_model=make.product_model(return_window_days=30),
                       sales_date=make.today() - timedelta(days=3))
    data = {"name": "Ada", "phone": BAD_PHONE, "email": "", "reason": "It is too loud at night.",
            "condition": "as_new", "website": ""}
    response = client.post(f"/a/{asset.qr_token}/return", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not a phone number we can call" in html
    assert f'value="{BAD_PHONE}"' in html and "It is too loud at night." in html

    assert client.post(f"/a/{asset.qr_token}/return", data={**data, "phone": "06 1234 5678"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Case.contact_phone)) == "+31612345678"
