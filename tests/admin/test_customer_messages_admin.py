"""Customer messages (admin): which messages go and when, the text gateway, the words of each
message per language, and a preview on a real case that writes nothing."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import (
    AuditEvent,
    Case,
    ContactBy,
    CustomerLink,
    MessageTemplate,
    OutboundMail,
    Role,
    VisitStatus,
)
from fieldapp.services import message_texts, notify, settings
from tests.conftest import csrf_token_from

URL = "/admin/messages/"
SETTINGS = {"reminder_hours": "24", "survey_days": "2", "survey_valid_days": "30", "reschedule_days": "14",
            "reschedule_cutoff_hours": "24", "country": "NL", "sms_url": ""}
VALUES = {"customer": "Ada", "company": "Acme", "case": "C-2026-00001", "status_link": "https://x.test/my/t",
          "product": "Boiler"}


def _form(client, on=tuple(message_texts.KINDS), **changes) -> dict:
    page = client.get(URL).get_data(as_text=True)
    return {"csrf_token": csrf_token_from(page), **SETTINGS, "on": list(on), **changes}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def customer_case(make):
    """A customer who hears by email, their product's case and a visit booked on it."""
    customer = make.customer(name="Ada Lovelace", email="ada@example.com", contact_by=ContactBy.EMAIL)
    case = make.case(asset=make.asset(customer=customer))
    visit = make.visit(make.user(Role.TECHNICIAN, name="Tina Tech"), case)
    return case, visit


def test_the_page_shows_every_message_on_and_the_defaults(client, auth):
    auth.as_role(Role.ADMIN)
    response = client.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('<input checked id="on-') == len(message_texts.KINDS)
    assert re.search(r'<input[^>]*name="reminder_hours"[^>]*value="24"', page)
    assert 'value="NL"' in page
    assert "/admin/messages/visit_booked/nl" in page
    assert "Customer messages" in client.get("/admin/").get_data(as_text=True)


def test_a_message_switched_off_is_not_written(app, client, auth, customer_case):
    auth.as_role(Role.ADMIN)
    case, _visit = customer_case
    on = [kind for kind in message_texts.KINDS if kind != "request_received"]
    assert client.post(URL, data=_form(client, on=on)).status_code == 303
    with app.test_request_context():
        assert settings.current().messages_off == "request_received"
        assert notify.send("request_received", db.session.get(Case, case.id)) == []
        db.session.commit()
    assert _count(app, OutboundMail) == 0

    assert client.post(URL, data=_form(client)).status_code == 303  # on again
    with app.test_request_context():
        assert settings.current().messages_off == ""
        assert len(notify.send("request_received", db.session.get(Case, case.id))) == 1
        db.session.commit()
    assert _count(app, OutboundMail) == 1


def test_every_message_may_be_switched_off(app, client, auth):
    auth.as_role(Role.ADMIN)
    assert client.post(URL, data=_form(client, on=())).status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert page.count('name="on" type="checkbox"') == len(message_texts.KINDS) and "<input checked" not in page
    with app.app_context():
        assert settings.current().messages_off.split() == list(message_texts.KINDS)
        assert not any(notify.enabled(kind) for kind in message_texts.KINDS)


def test_the_settings_are_saved_and_recorded(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post(URL, data=_form(client, on=["visit_booked", "reminder"], reminder_hours="48",
                                           survey_days="0", survey_valid_days="90", reschedule_days="30",
                                           reschedule_cutoff_hours="0", country=" de ",
                                           sms_url="json://93.184.216.34/send"))
    assert response.status_code == 303
    assert "Message settings saved." in client.get(URL).get_data(as_text=True)
    with app.app_context():
        row = settings.current()
        assert set(row.messages_off.split()) == set(message_texts.KINDS) - {"visit_booked", "reminder"}
        assert (row.reminder_hours, row.survey_days, row.survey_valid_days, row.reschedule_days,
                row.reschedule_cutoff_hours, row.country) == (48, 0, 90, 30, 0, "DE")
        assert row.sms_url == "json://93.184.216.34/send"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.messages_changed"))
        assert event.details["country"] == "DE" and event.details["own_gateway"] is True
        assert "93.184.216.34" not in str(event.details)  # a gateway URL holds its token: never in the trail


@pytest.mark.parametrize("changes, field, message", [
    ({"reminder_hours": "0"}, "reminder_hours", "Between 1 and 168 hours."),
    ({"survey_days": "61"}, "survey_days", "Between 0 and 60 days."),
    ({"reschedule_days": "abc"}, "reschedule_days", ""),
    ({"country": "ZZ"}, "country", "ZZ is not a country code."),
    ({"country": "NLD"}, "country", "A country code has two letters"),
    ({"on": ["no_such_message"]}, "on", ""),
])
def test_bad_settings_are_refused_at_the_field_kept_and_nothing_is_saved(app, client, auth, changes, field, message):
    auth.as_role(Role.ADMIN)
    response = client.post(URL, data=_form(client, survey_valid_days="77", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert message in page
    assert 'value="77"' in page  # what was typed is still there
    with app.app_context():
        assert settings.current().survey_valid_days == 30
        assert settings.current().messages_off == ""


@pytest.mark.parametrize("typed, host", [("json://127.0.0.1/send json://10.0.0.1/x", "127.0.0.1"),
                                         ("json://93.184.216.34/send json://10.0.0.1/x", "10.0.0.1"),
                                         ("ntfy://[::1]/topic", "::1"), ("gotify://localhost/token", "localhost")])
def test_a_gateway_on_a_private_network_is_refused(app, client, auth, typed, host):
    auth.as_role(Role.ADMIN)
    response = client.post(URL, data=_form(client, sms_url=typed, reminder_hours="12"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"{host} is on this machine or a private network" in page
    assert 'id="sms_url-error"' in page
    assert typed.split()[0] in page and 'value="12"' in page
    with app.app_context():
        assert settings.current().sms_url is None and settings.current().reminder_hours == 24


def test_a_gateway_apprise_does_not_know_is_refused_and_a_service_s_own_url_is_kept(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post(URL, data=_form(client, sms_url="http://127.0.0.1/send"))
    assert response.status_code == 422 and "Give an Apprise URL" in response.get_data(as_text=True)
    twilio = "twilio://AC" + "a" * 32 + ":" + "b" * 32 + "@+15551234567/{to}"  # its "host" is a number
    assert client.post(URL, data=_form(client, sms_url=twilio)).status_code == 303
    with app.app_context():
        assert settings.current().sms_url == twilio


def test_the_server_s_gateway_is_named_without_its_secrets(new_app):
    from tests.conftest import Auth, Factory

    app = new_app(SMS_URL="twilio://AC123:s3cr3t-token@+19995550100/{to}")
    client = app.test_client()
    Auth(client, Factory(app)).as_role(Role.ADMIN)
    page = client.get(URL).get_data(as_text=True)
    assert "SMS_URL: twilio" in page
    assert "s3cr3t" not in page and "AC123" not in page and "19995550100" not in page


def test_a_template_saved_in_dutch_is_used_for_dutch_only(app, client, auth):
    auth.as_role(Role.ADMIN)
    url = URL + "request_received/nl"
    page = client.get(url).get_data(as_text=True)
    assert "<dt class=\"mono\">{status_link}</dt><dd>the link to the request" in page  # the placeholders
    response = client.post(url, data={"subject": "Wij hebben uw aanvraag {case}",
                                      "body": "Beste {customer},\n\nUw aanvraag: {status_link}",
                                      "text": "{company}: aanvraag {case} ontvangen. {status_link}"})
    assert response.status_code == 303
    assert "(own words)" in client.get(URL).get_data(as_text=True)
    with app.app_context():
        dutch = message_texts.render("request_received", "nl", VALUES)
        assert dutch.subject == "Wij hebben uw aanvraag C-2026-00001"
        assert dutch.body == "Beste Ada,\n\nUw aanvraag: https://x.test/my/t"
        with languages.speaking("en"):
            assert message_texts.render("request_received", "en", VALUES).subject == "We have your request C-2026-00001"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "message_template.saved"))
        assert event.details == {"kind": "request_received", "language": "nl"}

    assert client.post(url + "/built-in").status_code == 303  # back to the built-in text
    assert _count(app, MessageTemplate) == 0
    with app.app_context():
        assert message_texts.template_for("request_received", "nl").subject != "Wij hebben uw aanvraag {case}"


@pytest.mark.parametrize("field", ["subject", "body", "text"])
def test_an_unknown_placeholder_is_refused_with_the_text_kept(app, client, auth, field):
    auth.as_role(Role.ADMIN)
    data = {"subject": "About {case}", "body": "Hello {customer}", "text": "{company}: {case}"}
    data[field] += " {password}"
    response = client.post(URL + "request_received/en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This message has no {password}." in page and f'id="{field}-error"' in page
    assert "{password}" in page.split(f'id="{field}-error"')[0]  # the typed text is in its field
    assert _count(app, MessageTemplate) == 0


def test_a_text_message_too_long_is_refused(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post(URL + "reminder/de", data={"subject": "Erinnerung", "body": "Hallo",
                                                      "text": "x" * (message_texts.TEXT_MAX + 1)})
    assert response.status_code == 422
    assert "Keep the text message to 480 characters" in response.get_data(as_text=True)
    assert _count(app, MessageTemplate) == 0


def test_the_preview_fills_the_message_for_a_case_and_writes_nothing(app, client, auth, make, customer_case):
    auth.as_role(Role.ADMIN)
    case, visit = customer_case
    links, mails = _count(app, CustomerLink), _count(app, OutboundMail)

    response = client.get(URL + "visit_booked/en", query_string={"case": case.number})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert case.number in page
    assert "Hello Ada Lovelace," in page and "Technician: Tina" in page
    assert "http://fieldapp.test/my/visit/" in page  # the confirm/move/cancel link, filled
    assert (_count(app, CustomerLink), _count(app, OutboundMail)) == (links, mails) == (0, 0)

    # Without a number: the case of the latest visit; a survey needs a completed visit and an unsubscribe link.
    later = make.case(asset=make.asset(customer=make.customer(name="Bob Builder", email="bob@example.com")))
    make.visit(case=later, status=VisitStatus.COMPLETED, start=visit.scheduled_start - timedelta(days=3),
               arrived_at=visit.scheduled_start - timedelta(days=3),
               completed_at=visit.scheduled_start - timedelta(days=3, hours=-1))
    page = client.get(URL + "survey/en").get_data(as_text=True)
    assert later.number in page and "Hello Bob Builder," in page
    assert "http://fieldapp.test/my/survey/" in page and "http://fieldapp.test/my/stop/" in page
    assert (_count(app, CustomerLink), _count(app, OutboundMail)) == (0, 0)


def test_the_preview_escapes_what_customers_typed(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    customer = make.customer(name='<b hx-post="/admin/">Eve', email="eve@example.com")
    case = make.case(asset=make.asset(customer=customer))
    make.visit(case=case)
    page = client.get(URL + "visit_booked/en", query_string={"case": case.number}).get_data(as_text=True)
    assert "<b hx-post" not in page and "&lt;b hx-post=&#34;/admin/&#34;&gt;Eve" in page


def test_an_unknown_case_number_says_so(client, auth):
    auth.as_role(Role.ADMIN)
    response = client.get(URL + "visit_booked/en", query_string={"case": "C-1999-99999"})
    assert response.status_code == 200
    assert "No case has the number C-1999-99999." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["nothing/en", "visit_booked/xx", "visit_booked/en/../../settings"])
def test_an_unknown_message_or_language_is_not_found(client, auth, path):
    auth.as_role(Role.ADMIN)
    assert client.get(URL + path).status_code == 404


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.DISPATCHER])
def test_only_the_admin_may_open_or_change_them(app, client, auth, role):
    auth.as_role(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={**SETTINGS, "on": ["visit_booked"]}).status_code == 403
    assert client.get(URL + "visit_booked/nl").status_code == 403
    assert client.post(URL + "visit_booked/nl", data={"subject": "x", "body": "x", "text": "x"}).status_code == 403
    assert client.post(URL + "visit_booked/nl/built-in").status_code == 403
    with app.app_context():
        assert settings.current().messages_off == ""
    assert _count(app, MessageTemplate) == 0
