"""“Follow your request” on a product's QR page: the email address or phone number on an open
request of that product opens its status page (/my/<token>). Anything else gets the same words,
so the form never tells whether the product has a request, or whose."""
import re

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, CaseStatus, CustomerLink, LinkPurpose
from tests.reading import visible_text

NO_MATCH = "We found no open request for this product with that email address or phone number."


@pytest.fixture
def customer(make):
    return make.customer(name="Margaret Hamilton", email="margaret@example.com", phone="+31 20 555 0101",
                         address="Apollostraat 11, 1969 MH Houston")


@pytest.fixture
def asset(make, customer):
    return make.asset(customer=customer, serial_number="HP9-SECRET-1")


@pytest.fixture
def open_case(make, asset):
    return make.case(asset=asset, status=CaseStatus.NEW, contact_name="Ada", contact_email="ada@example.com",
                     contact_phone="+31612345678", description="The private problem")


def follow(client, asset, contact, website="", **kw):
    return client.post(f"/a/{asset.qr_token}/follow", data={"contact": contact, "website": website}, **kw)


def status_token(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"http://fieldapp\.test/my/([A-Za-z0-9_-]+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def links(app) -> list[tuple[int, LinkPurpose, str]]:
    with app.app_context():
        return [(link.case_id, link.purpose, link.token)
                for link in db.session.scalars(select(CustomerLink).order_by(CustomerLink.id))]


def field_error(response) -> str:
    html = response.get_data(as_text=True)
    found = re.search(r'<p class="field__error" id="follow-contact-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_the_public_page_offers_to_follow_a_request(client, asset):
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Follow your request" in html
    assert f'action="/a/{asset.qr_token}/follow#follow"' in html and 'name="contact"' in html
    assert 'class="honeypot"' in html.split('id="follow"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("typed", ["ada@example.com", "  ADA@Example.COM ", "margaret@example.com"])
def test_the_email_on_the_request_or_the_customers_opens_its_status_page(app, client, asset, open_case, typed):
    token = status_token(follow(client, asset, typed))
    assert links(app) == [(open_case.id, LinkPurpose.STATUS, token)]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == open_case.id)) == (
            "case.followed_from_label")


@pytest.mark.parametrize("typed", ["06 1234 5678", "+31 6 12345678", "0031612345678", "020 555 0101"])
def test_a_phone_number_written_another_way_opens_it_too(app, client, asset, open_case, typed):
    token = status_token(follow(client, asset, typed))
    assert links(app) == [(open_case.id, LinkPurpose.STATUS, token)]


def test_following_again_reuses_the_link(app, client, asset, open_case):
    first = status_token(follow(client, asset, "ada@example.com"))
    assert status_token(follow(client, asset, "06 12345678")) == first
    assert len(links(app)) == 1


def test_the_newest_open_request_is_the_one_shown(app, client, make, asset, open_case):
    newer = make.case(asset=asset, status=CaseStatus.ASSESSING, contact_email="ada@example.com")
    status_token(follow(client, asset, "ada@example.com"))
    assert [case_id for case_id, _, _ in links(app)] == [newer.id]


def test_anything_else_gets_the_same_words_and_nothing_is_revealed(app, client, make, asset, open_case):
    other_product = make.asset()  # no request at all
    make.case(asset=make.asset(), status=CaseStatus.NEW, contact_email="someone@example.com")  # another product's
    answers = [follow(client, asset, "someone@example.com"), follow(client, asset, "06 5555 0000"),
               follow(client, asset, "not a contact"), follow(client, other_product, "ada@example.com")]

    for response in answers:
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and field_error(response) == NO_MATCH
        assert 'id="follow-contact"' in html  # the page again, the form in its place with what was typed
        for private in (open_case.number, "The private problem", "Ada", "Margaret", "margaret@example.com",
                        "/my/"):
            assert private not in visible_text(html) and private not in html.split("<body", 1)[1], private
    assert 'value="someone@example.com"' in answers[0].get_data(as_text=True)
    assert links(app) == []


@pytest.mark.parametrize("status", [CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.CANCELLED])
def test_a_request_no_longer_open_is_not_offered(app, client, make, asset, status):
    make.case(asset=asset, status=status, contact_email="ada@example.com")
    response = follow(client, asset, "ada@example.com")
    assert response.status_code == 422 and field_error(response) == NO_MATCH
    assert links(app) == []


def test_a_bot_filling_the_hidden_field_is_told_the_same(app, client, asset, open_case):
    response = follow(client, asset, "ada@example.com", website="http://spam.example")
    assert response.status_code == 422 and field_error(response) == NO_MATCH
    assert links(app) == []


def test_nothing_typed_is_asked_for(client, asset):
    response = follow(client, asset, " ")
    assert response.status_code == 422
    assert field_error(response) == "Give the email address or phone number you gave us."


def test_guessing_is_limited_per_client(app, client, asset, open_case):
    statuses = [follow(client, asset, f"guess{n}@example.com").status_code for n in range(7)]
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429]
    assert follow(client, asset, "ada@example.com").status_code == 429  # even the right answer, for now
    with app.app_context():
        assert db.session.scalar(select(func.count(CustomerLink.id))) == 0


def test_guessing_is_limited_per_label_whatever_the_client_address(client, asset, open_case):
    statuses = [follow(client, asset, f"guess{n}@example.com", environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}
                       ).status_code for n in range(21)]
    assert statuses[:20] == [422] * 20 and statuses[20] == 429
