"""Customers for the office: search (name, phone, email, postcode), paging, create with the
duplicate warning, edit, the customer's page, and the picker other forms embed."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from flask import render_template_string
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.forms import BaseForm
from fieldapp.forms.fields import IdField
from fieldapp.models import AuditEvent, CaseStatus, CaseType, Customer, Role
from tests.conftest import HX



def customers_in_db(app) -> list[Customer]:
    with app.app_context():
        found = db.session.scalars(select(Customer).order_by(Customer.id)).all()
        for customer in found:
            db.session.expunge(customer)
        return found


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "customers")
                                       .order_by(AuditEvent.id)))


def details(**data) -> dict:
    return {"name": "Anna de Vries", "phone": "", "email": "", "address": "", "notes": "", **data}


def creation(**data) -> dict:
    return {**details(**data), "client_id": data.pop("client_id", str(uuid.uuid4()))}


def names_listed(html: str) -> list[str]:
    return re.findall(r'<td><a href="/customers/\d+">([^<]*)</a></td>', html)


# --- Search ----------------------------------------------------------------------------------------

@pytest.fixture
def known(make):
    """The customer to find, among others that must not match."""
    make.customer(name="Bert Jansen", phone="020 555 0101", email="bert@example.org",
                  address="Kerkstraat 1\n2000 BB Haarlem")
    make.customer(name="Carla Smit", phone=None, email=None, address=None)
    return make.customer(name="Anna de Vries", phone="+31 6 1234 5678", email="anna.devries@example.com",
                         address="Dorpsstraat 12\n1234 AB Ergenshuizen")


@pytest.mark.parametrize("query", [
    "anna", "DE VRIES",  # name, any case
    "6 1234", "61234", "6-1234-56", "6.1234.5678", "+31612345678", "0612345678",  # phone, separators ignored
    "anna.devries@", "EXAMPLE.COM",  # email
    "1234 AB", "1234ab", "ergenshuizen",  # postcode with and without its space, town
])
def test_search_finds_the_customer(client, dispatcher, known, query):
    html = client.get("/customers/", query_string={"q": query}).get_data(as_text=True)
    assert names_listed(html) == ["Anna de Vries"], query


def test_search_lists_name_phone_email_address_and_product_count(client, dispatcher, known, make):
    make.asset(customer=known)
    make.asset(customer=known)
    html = client.get("/customers/?q=anna").get_data(as_text=True)
    row = html[html.index("Anna de Vries"):html.index("</tr>", html.index("Anna de Vries"))]
    assert "+31 6 12345678" in row and "anna.devries@example.com" in row and "1234 AB Ergenshuizen" in row
    assert "<td>2</td>" in row


def test_search_takes_wildcards_literally_and_says_when_nothing_matches(client, dispatcher, known):
    for query in ("%", "_", "zzz"):
        html = client.get("/customers/", query_string={"q": query}).get_data(as_text=True)
        assert names_listed(html) == [], query
        assert "No customer matches" in html


def pager_link(html: str, label: str) -> str | None:
    found = re.search(rf'<a class="button" href="([^"]+)">{label}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_an_empty_search_lists_everyone_by_name_25_a_page(client, dispatcher, make):
    for n in range(26):
        make.customer(name=f"Person {n:02d}")
    first = client.get("/customers/").get_data(as_text=True)
    assert names_listed(first) == [f"Person {n:02d}" for n in range(25)]
    assert "Page 1" in first and pager_link(first, "Previous") is None

    second = client.get(pager_link(first, "Next")).get_data(as_text=True)
    assert names_listed(second) == ["Person 25"]
    assert "Page 2" in second and pager_link(second, "Next") is None

    back = client.get(pager_link(second, "Previous")).get_data(as_text=True)
    assert names_listed(back) == names_listed(first)
    assert "Page 1" in back and pager_link(back, "Previous") is None and pager_link(back, "Next")


def test_paging_keeps_the_search(client, dispatcher, make):
    for n in range(27):
        make.customer(name=f"Smit {n:02d}")
    make.customer(name="Jansen")
    html = client.get("/customers/?q=smit").get_data(as_text=True)
    assert "Page 1" in html and "q=smit" in pager_link(html, "Next")
    assert names_listed(client.get(pager_link(html, "Next")).get_data(as_text=True)) == ["Smit 25", "Smit 26"]
    assert names_listed(client.get("/customers/?q=smit&page=2").get_data(as_text=True)) == ["Smit 25", "Smit 26"]


def test_pages_follow_the_names_not_row_numbers(client, dispatcher, make):
    """A customer added before the page you are on does not shift what Next shows."""
    for n in range(30):
        make.customer(name=f"Person {n:02d}")
    first = client.get("/customers/").get_data(as_text=True)
    make.customer(name="Person 00a")  # sorts into page 1, after the first was read
    second = client.get(pager_link(first, "Next")).get_data(as_text=True)
    assert names_listed(second) == [f"Person {n:02d}" for n in range(25, 30)]


def test_a_page_after_a_deleted_customer_falls_back_to_its_number(app, client, dispatcher, make):
    people = [make.customer(name=f"Person {n:02d}") for n in range(30)]
    first = client.get("/customers/").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(Customer, people[24].id))
        db.session.commit()
    response = client.get(pager_link(first, "Next"))
    assert response.status_code == 200
    assert names_listed(response.get_data(as_text=True))[0] == "Person 26"  # page 2 by number: rows 26–30


@pytest.mark.parametrize("args", ["after=abc", "before=-3", "after=0", "after=99999999999999999999"])
def test_a_broken_paging_link_is_a_400_that_says_so(client, dispatcher, args):
    response = client.get(f"/customers/?{args}")
    assert response.status_code == 400
    assert "position in the list" in response.get_data(as_text=True)


def test_the_search_page_query_count_does_not_grow_with_its_results(app, client, dispatcher, make, count_queries):
    make.asset(customer=make.customer())
    client.get("/customers/")
    with count_queries() as few:
        assert client.get("/customers/").status_code == 200
    for _ in range(12):
        make.asset(customer=make.customer())
    with count_queries() as many:
        assert client.get("/customers/").status_code == 200
    assert many.count == few.count <= 8


def test_customers_are_the_offices(client, auth, make):
    customer = make.customer()
    auth.as_role(Role.TECHNICIAN)
    assert "/customers/" not in client.get("/today").get_data(as_text=True)  # no nav link
    for path in ("/customers/", "/customers/new", f"/customers/{customer.id}", "/customers/pick?q=a"):
        assert client.get(path).status_code == 403, path
    auth.logout()
    auth.as_role(Role.DISPATCHER)
    assert 'href="/customers/"' in client.get("/customers/").get_data(as_text=True)


# --- Create, duplicates, edit ------------------------------------------------------------------------

def test_creating_a_customer(app, client, dispatcher):
    data = creation(phone="+31 6 4999 0000", email="anna@example.com", address="Laan 3\n3000 CC Rotterdam",
                    notes="Dog in the garden")
    response = client.post("/customers/new", data=data)
    [customer] = customers_in_db(app)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/customers/{customer.id}"
    assert (customer.name, customer.phone, customer.email, customer.notes) == (
        "Anna de Vries", "+31649990000", "anna@example.com", "Dog in the garden")  # the number in E.164
    assert audit_actions(app) == ["customer.created"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anna de Vries added." in page and "Dog in the garden" in page


def test_a_double_tap_creates_one_customer(app, client, dispatcher):
    data = creation()
    assert client.post("/customers/new", data=data).status_code == 303
    again = client.post("/customers/new", data=data)
    assert again.status_code == 303 and again.headers["Location"].startswith("/customers/?q=Anna")
    assert len(customers_in_db(app)) == 1


@pytest.mark.parametrize("field, typed", [("email", "ANNA.devries@example.com "), ("phone", "06-1234-5678"),
                                          ("phone", "+31 (0)6 12 34 56 78")])
def test_a_likely_duplicate_is_shown_before_a_second_is_created(app, client, dispatcher, known, field, typed):
    data = creation(name="A. de Vries", **{field: typed})
    response = client.post("/customers/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'<a href="/customers/{known.id}">Anna de Vries</a>' in html
    assert 'name="confirm_duplicate"' in html and "may already exist" in html
    assert 'value="A. de Vries"' in html  # what was typed stays
    assert len(customers_in_db(app)) == 3

    confirmed = client.post("/customers/new", data={**data, "confirm_duplicate": "y"})
    assert confirmed.status_code == 303
    assert [c.name for c in customers_in_db(app)][-1] == "A. de Vries"


def test_no_duplicate_warning_for_a_different_phone_or_email(app, client, dispatcher, known):
    data = creation(phone="+31 6 1234 5679", email="someone.else@example.com")
    assert client.post("/customers/new", data=data).status_code == 303
    assert len(customers_in_db(app)) == 4


@pytest.mark.parametrize("field, value, message", [
    ("name", "  ", "Enter the customer&#39;s name."),
    ("email", "anna-at-example", "Enter a valid email address"),
    ("phone", "call me maybe", "Enter a phone number with digits only"),
    ("name", "x" * 161, "Field cannot be longer than 160 characters."),
    ("notes", "bad\x00byte", "invisible control characters"),
])
def test_bad_input_is_refused_at_its_field_and_the_typed_text_kept(app, client, dispatcher, field, value, message):
    data = creation(address="Typed street 5", **{field: value})
    response = client.post("/customers/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert "Typed street 5</textarea>" in html
    assert customers_in_db(app) == []


def test_editing_a_customer(app, client, dispatcher, known):
    page = client.get(f"/customers/{known.id}/edit").get_data(as_text=True)
    assert 'value="Anna de Vries"' in page and "Dorpsstraat 12" in page
    response = client.post(f"/customers/{known.id}/edit",
                           data=details(name="Anna Jansen", phone="+31 6 1234 5678", address="Nieuweweg 1"))
    assert response.status_code == 303 and response.headers["Location"] == f"/customers/{known.id}"
    customer = next(c for c in customers_in_db(app) if c.id == known.id)
    assert (customer.name, customer.email, customer.address) == ("Anna Jansen", None, "Nieuweweg 1")
    assert audit_actions(app) == ["customer.updated"]
    assert "Customer details saved." in client.get(f"/customers/{known.id}").get_data(as_text=True)


def test_a_refused_edit_changes_nothing_and_keeps_the_typed_text(app, client, dispatcher, known):
    response = client.post(f"/customers/{known.id}/edit", data=details(name="New name", email="not an email"))
    assert response.status_code == 422
    assert 'value="New name"' in response.get_data(as_text=True)
    assert next(c for c in customers_in_db(app) if c.id == known.id).name == "Anna de Vries"
    assert client.post("/customers/999/edit", data=details()).status_code == 404


# --- The customer's page -----------------------------------------------------------------------------

def test_the_customer_page_lists_products_and_cases_newest_first(client, dispatcher, make, known):
    washer = make.asset(customer=known, serial_number="WM-1")
    make.asset(customer=known, serial_number="DW-2")
    make.asset(serial_number="OTHER-3")  # someone else's
    now = datetime.now(timezone.utc)
    make.case(asset=washer, number="C-2026-00001", created_at=now - timedelta(days=3))
    make.case(asset=washer, number="C-2026-00002", created_at=now, status=CaseStatus.NEW,
              case_type=CaseType.MAINTENANCE)
    html = client.get(f"/customers/{known.id}").get_data(as_text=True)
    assert "WM-1" in html and "DW-2" in html and "OTHER-3" not in html
    assert f'href="/a/{washer.qr_token}"' in html
    assert html.index("C-2026-00002") < html.index("C-2026-00001")
    assert 'class="badge badge--new"' in html and "Maintenance" in html
    assert f'href="/customers/{known.id}/edit"' in html
    assert f'href="/assets/new?customer_id={known.id}"' in html
    assert client.get("/customers/999").status_code == 404


def test_the_customer_page_query_count_does_not_grow_with_cases(client, dispatcher, make, known, count_queries):
    asset = make.asset(customer=known)
    client.get(f"/customers/{known.id}")
    with count_queries() as few:
        client.get(f"/customers/{known.id}")
    for _ in range(5):
        make.case(asset=make.asset(customer=known))
    with count_queries() as many:
        client.get(f"/customers/{known.id}")
    assert many.count == few.count and asset


# --- The picker ----------------------------------------------------------------------------------------

def test_the_picker_fragment_offers_matches_as_radio_buttons(client, dispatcher, known, make):
    make.customer(name="Anna Bakker", phone=None, address="Plein 2, 9999 ZZ Stad")
    response = client.get("/customers/pick?q=anna", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    radios = re.findall(r'<input type="radio" name="customer_id" value="(\d+)">', html)
    assert len(radios) == 2 and str(known.id) in radios
    assert "+31 6 12345678" in html and "1234 AB" in html and "9999 ZZ" in html and "no phone" in html
    assert 'href="/customers/new"' in html and "Not listed?" in html


def test_the_picker_shows_ten_and_says_when_there_is_more(client, dispatcher, make):
    for n in range(12):
        make.customer(name=f"Smit {n:02d}")
    html = client.get("/customers/pick?q=smit", headers=HX).get_data(as_text=True)
    assert html.count('type="radio"') == 10 and "type more to narrow it down" in html
    none = client.get("/customers/pick?q=nobody", headers=HX).get_data(as_text=True)
    assert "No customer matches “nobody”." in none and "Create a new customer" in none
    assert "type=\"radio\"" not in client.get("/customers/pick?q=", headers=HX).get_data(as_text=True)


def test_the_picker_without_htmx_goes_to_the_customer_search(client, dispatcher):
    response = client.get("/customers/pick?q=anna")
    assert response.status_code == 303 and response.headers["Location"] == "/customers/?q=anna"


class PickerForm(BaseForm):
    customer_id = IdField("Customer")


def test_the_picker_macro_needs_no_script(app, known):
    template = ('{% from "customers/_picker.html" import customer_picker %}'
                '<form>{{ customer_picker(form.customer_id, selected=selected) }}</form>')
    with app.test_request_context():
        form = PickerForm(formdata=None)
        form.customer_id.errors = ["Choose one from the list."]
        with app.app_context():
            selected = db.session.get(Customer, known.id)
            html = render_template_string(template, form=form, selected=selected)
        empty = render_template_string(template, form=PickerForm(formdata=None), selected=None)
    assert 'hx-get="/customers/pick"' in html and 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#customer-pick-results"' in html and 'id="customer-pick-results"' in html
    assert f'<input type="radio" name="customer_id" value="{known.id}" checked>' in html
    assert "Anna de Vries" in html and "Choose one from the list." in html and 'aria-invalid="true"' in html
    assert 'form="customer_id-search-only"' in html  # the search box is never posted or submitted
    assert 'name="customer_id"' not in empty and "Find the customer" in empty
    for markup in (html, empty):
        assert "<script" not in markup and "hx-on" not in markup and "style=" not in markup


PAYLOAD = "<b hx-get=/x>"


def test_names_are_escaped_everywhere(client, dispatcher, make):
    customer = make.customer(name=PAYLOAD, phone="+31 6 5555 0000", address=PAYLOAD)
    pages = ["/customers/", "/customers/?q=hx-get", f"/customers/{customer.id}", f"/customers/{customer.id}/edit"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<b hx-get" not in html and "&lt;b hx-get=/x&gt;" in html, path
    fragment = client.get("/customers/pick?q=%3Cb", headers=HX).get_data(as_text=True)
    assert "<b hx-get" not in fragment and "&lt;b hx-get=/x&gt;" in fragment
    duplicate = client.post("/customers/new", data=creation(name=PAYLOAD, phone="06 5555 0000"))
    assert duplicate.status_code == 409 and "<b hx-get" not in duplicate.get_data(as_text=True)
