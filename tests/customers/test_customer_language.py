"""The customer's language (mails, texts and the visit report are written in it): chosen on the
customer's form from the languages we ship, or "" for the company's; anything else is refused."""
import re
import uuid

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Customer


def stored(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(c.name, c.language) for c in db.session.scalars(select(Customer).order_by(Customer.id))]


def creation(**data) -> dict:
    return {"name": "Anna de Vries", "phone": "", "email": "", "address": "Typed street 5", "notes": "",
            "language": "", "client_id": str(uuid.uuid4()), **data}


def options(html: str) -> list[tuple[str, str]]:
    select_html = html[html.index('<select'):html.index("</select>")]
    assert 'name="language"' in select_html
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html)


def test_the_form_offers_the_company_s_language_first_then_ours(client, dispatcher):
    html = client.get("/customers/new").get_data(as_text=True)
    assert options(html) == [("", "Same as the company"), ("en", "English"), ("nl", "Nederlands"),
                             ("de", "Deutsch"), ("es", "Español"), ("zh_Hans", "简体中文")]


def test_a_new_customer_s_language_is_stored_and_shown(app, client, dispatcher):
    response = client.post("/customers/new", data=creation(language="nl"))
    assert response.status_code == 303
    assert stored(app) == [("Anna de Vries", "nl")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>Language</dt><dd>Nederlands</dd>" in page


def test_editing_changes_the_language_and_empty_is_the_company_s(app, client, dispatcher, make):
    customer = make.customer(name="Bert Jansen", language="de")
    edit_page = client.get(f"/customers/{customer.id}/edit").get_data(as_text=True)
    [option] = re.findall(r'<option[^>]*value="de"[^>]*>Deutsch</option>', edit_page)
    assert "selected" in option and 'lang="de"' in option  # named in itself, read aloud in German
    assert "<dt>Language</dt><dd>Deutsch</dd>" in client.get(f"/customers/{customer.id}").get_data(as_text=True)

    data = {"name": "Bert Jansen", "phone": "", "email": "", "address": "", "notes": "", "language": "nl"}
    assert client.post(f"/customers/{customer.id}/edit", data=data).status_code == 303
    assert stored(app) == [("Bert Jansen", "nl")]
    assert "<dt>Language</dt><dd>Nederlands</dd>" in client.get(f"/customers/{customer.id}").get_data(as_text=True)

    assert client.post(f"/customers/{customer.id}/edit", data={**data, "language": ""}).status_code == 303
    assert stored(app) == [("Bert Jansen", None)]
    page = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "<dt>Language</dt><dd>Same as the company (English)</dd>" in page


@pytest.mark.parametrize("value", ["xx", "<script>", "NL", "en-GB"])
def test_an_unknown_language_is_refused_and_nothing_saved(app, client, dispatcher, value):
    response = client.post("/customers/new", data=creation(name="Carla Smit", language=value))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="field__error" id="language-error">([^<]*)</p>', html)
    assert error and "Choose one of the languages in the list." in error.group(1)
    assert 'value="Carla Smit"' in html and "Typed street 5</textarea>" in html  # what was typed stays
    assert "<script>" not in html.split("</head>", 1)[1]
    assert stored(app) == []


@pytest.mark.parametrize("value", ["xx", "<script>"])
def test_an_unknown_language_on_edit_changes_nothing(app, client, dispatcher, make, value):
    customer = make.customer(name="Bert Jansen", language="de")
    data = {"name": "Bert Renamed", "phone": "", "email": "", "address": "", "notes": "", "language": value}
    response = client.post(f"/customers/{customer.id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the languages in the list." in html and 'value="Bert Renamed"' in html
    assert stored(app) == [("Bert Jansen", "de")]


def test_the_service_refuses_an_unknown_language_too(app, dispatcher):
    from fieldapp.domain import DomainError
    from fieldapp.services import customers

    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            customers.create("Dora", None, None, None, None, dispatcher, language="xx")
        assert refused.value.field == "language" and refused.value.kind == "invalid"
        db.session.rollback()
