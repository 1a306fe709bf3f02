"""Company settings: the admin sets service targets and after-visit habits; bad input is refused
with the typed values kept, and nothing is saved half-way."""
import re

from fieldapp.extensions import db
from fieldapp.models import Priority, Role
from fieldapp.services import settings
from tests.conftest import csrf_token_from


def _form(client, **changes) -> dict:
    page = client.get("/admin/settings/").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "satisfaction_call_days": "", "maintenance_horizon_weeks": "8",
            "renewal_notice_days": "30", "language": "en", "currency": "EUR"}
    for priority, (response, resolution) in settings.DEFAULT_TARGETS.items():
        data[f"response_{priority.value}"] = str(response)
        data[f"resolution_{priority.value}"] = str(resolution)
    data.update(changes)
    return data


def test_the_defaults_hold_until_the_admin_saves(app, client, auth):
    auth.as_role(Role.ADMIN)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="response_urgent"[^>]*value="2"', page)
    assert re.search(r'<input[^>]*name="resolution_low"[^>]*value="240"', page)
    with app.app_context():
        assert settings.targets()[Priority.NORMAL].resolution_hours == 120
        assert settings.current().satisfaction_call_days is None


def test_the_admin_saves_targets_and_settings(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post("/admin/settings/", data=_form(client, response_urgent="1", resolution_urgent="6",
                                                           satisfaction_call_days="3", email_report_on_close="y"))
    assert response.status_code == 303
    assert "Settings saved." in client.get("/admin/settings/").get_data(as_text=True)
    with app.app_context():
        assert settings.targets()[Priority.URGENT] == settings.Target(1, 6)
        assert settings.current().satisfaction_call_days == 3
        assert settings.current().email_report_on_close is True


def test_a_resolution_before_the_response_is_refused_and_nothing_is_saved(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post("/admin/settings/", data=_form(client, response_high="30", resolution_high="10",
                                                           satisfaction_call_days="5"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Resolution cannot come before the first response." in page
    assert 'value="30"' in page and 'value="10"' in page  # what was typed is still there
    with app.app_context():
        assert settings.targets()[Priority.HIGH] == settings.Target(*settings.DEFAULT_TARGETS[Priority.HIGH])
        assert settings.current().satisfaction_call_days is None


def test_out_of_range_values_are_refused(app, client, auth):
    auth.as_role(Role.ADMIN)
    response = client.post("/admin/settings/", data=_form(client, maintenance_horizon_weeks="0",
                                                           response_low="abc"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Between 1 and 52 weeks." in page
    assert "Enter a number of hours." in page or "Not a valid integer value." in page


def test_saved_targets_drive_the_case_clocks(app, client, auth, make):
    from datetime import datetime, timedelta, timezone

    from fieldapp.models import CaseStatus

    with app.app_context():
        settings.set_target(Priority.NORMAL, 1, 2)
        db.session.commit()
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.NEW, priority=Priority.NORMAL,
                     created_at=datetime.now(timezone.utc) - timedelta(minutes=90))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "target 1 h" in page and "target 2 h" in page
    assert "Breached" in page


def test_the_company_language_is_every_page_s_unless_a_person_chose_another(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert re.search(r'<option lang="en" selected value="en">English</option>', page)
    assert re.search(r'<input[^>]*name="currency"[^>]*value="EUR"', page)
    response = client.post("/admin/settings/", data=_form(client, language="nl"))
    assert response.status_code == 303
    with app.app_context():
        assert settings.current().language == "nl"
    # Read at once by this process (no wait for the kept defaults to expire).
    assert '<html lang="nl">' in client.get("/admin/settings/").get_data(as_text=True)

    response = client.post("/admin/settings/", data=_form(client, language="xx"))
    assert response.status_code == 422
    assert "Kies een van de talen uit de lijst." in response.get_data(as_text=True)  # the company's Dutch now
    with app.app_context():
        assert settings.current().language == "nl"


def test_money_is_shown_in_the_company_currency(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    make.part(sku="FLT-1", unit_price_cents=1250)
    assert "€12.50" in client.get("/catalog/parts").get_data(as_text=True)
    response = client.post("/admin/settings/", data=_form(client, currency=" usd "))  # typed in any case
    assert response.status_code == 303
    with app.app_context():
        assert settings.current().currency == "USD"
    page = client.get("/catalog/parts").get_data(as_text=True)
    assert "US$12.50" in page and "€" not in page


def test_an_unknown_currency_is_refused_with_a_message(app, client, auth):
    auth.as_role(Role.ADMIN)
    for wrong, message in (("XYZ", "XYZ is not a currency code."), ("EURO", "A currency code has three letters"),
                           ("", "Enter a currency code, like EUR.")):
        response = client.post("/admin/settings/", data=_form(client, currency=wrong, satisfaction_call_days="4"))
        assert response.status_code == 422, wrong
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert settings.current().currency == "EUR"
        assert settings.current().satisfaction_call_days is None  # nothing saved half-way
