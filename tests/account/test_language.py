"""The language of one's own pages: chosen on the account page, else the company's."""
from fieldapp.extensions import db
from fieldapp.models import AuditEvent, Role
from tests.conftest import load_row

from fieldapp.models import User


def test_the_account_page_offers_the_company_language_and_ours(client, auth):
    auth.as_role(Role.TECHNICIAN)
    page = client.get("/account/").get_data(as_text=True)
    assert '<option selected value="">Same as the company (English)</option>' in page
    assert '<option lang="de" value="de">Deutsch</option>' in page
    assert '<option lang="zh-Hans" value="zh_Hans">简体中文</option>' in page


def test_choosing_german_makes_the_next_page_german(app, client, auth):
    me = auth.as_role(Role.DISPATCHER)
    response = client.post("/account/language", data={"language": "de"})
    assert response.status_code == 303
    assert load_row(app, User, me.id).language == "de"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="de">' in page
    assert '<option lang="de" selected value="de">Deutsch</option>' in page
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.entity_id == me.id)
                                 .order_by(AuditEvent.id.desc())) == "user.language_changed"

    # Back to the company's language: the empty choice.
    assert client.post("/account/language", data={"language": ""}).status_code == 303
    assert load_row(app, User, me.id).language is None
    assert '<html lang="en">' in client.get("/account/").get_data(as_text=True)


def test_an_unknown_language_is_refused_with_a_message_and_nothing_is_saved(app, client, auth):
    me = auth.as_role(Role.TECHNICIAN)
    for wrong in ("xx", "DE", "de\n", "zh", "en_GB", "<b>"):
        response = client.post("/account/language", data={"language": wrong})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, wrong
        assert "Choose one of the languages in the list." in page
        assert "<b>" not in page
        assert load_row(app, User, me.id).language is None
    assert client.post("/account/language", data={}).status_code == 422  # no choice at all
    assert load_row(app, User, me.id).language is None
    assert '<html lang="en">' in client.get("/account/").get_data(as_text=True)
