"""What could not be recorded before, captured on its screen and read back in the report: several
kinds of service on one visit, a part repaired rather than replaced, a person's job title and
phone, a model's warranty conditions and exclusions and its specifications, and the company's
return policy."""
import re
from datetime import datetime, timedelta, timezone


from fieldapp.extensions import db
from fieldapp.models import CaseStatus, ProductModel, Role, User, Visit, VisitPart, VisitStatus
from fieldapp.services import settings
from tests.conftest import HX, cid
from tests.reading import visible_text as _text, report_pdf_text as _pdf


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _text(response.get_data(as_text=True))


def _on_site(make, tech, **case):
    case = make.case(status=CaseStatus.SCHEDULED, **case)
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    visit = make.visit(technician=tech, case=case, start=start, status=VisitStatus.ON_SITE, arrived_at=start)
    return case, visit


def test_a_visit_records_several_kinds_of_service(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    case, visit = _on_site(make, tech)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert 'name="also_done"' in page and "Also done on this visit" in page
    response = client.post(f"/visits/{visit.id}/fields/service_type", headers=HX, data={
        "client_id": cid(), "service_type": "installation", "also_done": ["maintenance", "upgrade"]})
    assert response.status_code == 200
    with app.app_context():
        row = db.session.get(Visit, visit.id)
        assert [t.value for t in row.service_types] == ["installation", "maintenance", "upgrade"]
    checked = re.findall(r'<input[^>]*checked[^>]*value="(\w+)"|<input[^>]*value="(\w+)"[^>]*checked', response.get_data(as_text=True))
    assert {a or b for a, b in checked} == {"maintenance", "upgrade"}

    # A kind that does not exist is refused at the field, nothing saved.
    refused = client.post(f"/visits/{visit.id}/fields/service_type", headers=HX, data={
        "client_id": cid(), "service_type": "repair", "also_done": ["teleportation"]})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Visit, visit.id).service_type.value == "installation"

    auth.as_role(Role.DISPATCHER)
    for text in (_get(client, f"/cases/{case.id}/report"), _pdf(client, case.id)):
        assert "Installation, Maintenance and Product upgrade" in text
    assert "Service Provided Installation, Maintenance and Product upgrade" in _get(client, f"/cases/{case.id}/report")


def test_a_part_repaired_not_replaced(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    case, visit = _on_site(make, tech)
    row = make.visit_part(visit, make.part(name="Circulation pump"), quantity=1, unit_cost_cents=0)
    response = client.post(f"/visits/{visit.id}/parts/{row.id}", headers=HX, data={
        "client_id": cid(), "quantity": "1", "unit_cost": "0.00", "repaired": "y"})
    assert response.status_code == 200
    assert "Repaired, not replaced" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(VisitPart, row.id).repaired is True
    auth.as_role(Role.DISPATCHER)
    page = _get(client, f"/cases/{case.id}/report")
    assert "Parts Replaced Circulation pump × 1 (repaired)" in page
    assert "Repaired, not replaced" in _pdf(client, case.id)


def test_the_report_names_the_technician_by_job_title_with_their_phone(app, client, auth, make):
    tech = make.user(Role.TECHNICIAN, name="Alex Johnson")
    case = make.case(status=CaseStatus.RESOLVED)
    done = datetime.now(timezone.utc) - timedelta(days=1)
    make.visit(technician=tech, case=case, start=done, status=VisitStatus.COMPLETED, arrived_at=done, completed_at=done)
    auth.as_role(Role.ADMIN)
    refused = client.post(f"/admin/users/{tech.id}/profile", data={"job_title": "Installation technician",
                                                                   "phone": "call me maybe"})
    assert refused.status_code == 422
    assert "Enter a phone number with digits only" in refused.get_data(as_text=True)
    assert 'value="Installation technician"' in refused.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.get(User, tech.id).job_title is None
    saved = client.post(f"/admin/users/{tech.id}/profile", data={"job_title": "Installation technician",
                                                                 "phone": "+31 6 1111 2222"})
    assert saved.status_code == 303
    for text in (_get(client, f"/cases/{case.id}/report"), _pdf(client, case.id)):
        assert "Alex Johnson, Installation technician" in text
        assert "+31 6 1111 2222" in text


def test_staff_set_their_own_phone_only(app, client, auth):
    me = auth.as_role(Role.TECHNICIAN)
    assert client.post("/account/phone", data={"phone": "+31 20 555 0100"}).status_code == 303
    assert client.post("/account/phone", data={"phone": "0800-CALL-NOW"}).status_code == 422
    with app.app_context():
        assert db.session.get(User, me.id).phone == "+31 20 555 0100"
    assert client.post(f"/admin/users/{me.id}/profile", data={"job_title": "Boss"}).status_code == 403


def test_warranty_conditions_and_specifications_are_shown_where_they_are_needed(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    model = make.product_model(name="Heat pump HP-9", model_number="HP-9")
    form = {"name": "Heat pump HP-9", "model_number": "HP-9", "warranty_months": "24", "return_window_days": "30",
            "specifications": "Output 9 kW; refrigerant R32", "warranty_terms": "Parts and labour for 24 months.",
            "warranty_conditions": "Not covered: frost damage, unauthorised repairs."}
    assert client.post(f"/catalog/models/{model.id}", data=form).status_code == 303
    with app.app_context():
        saved = db.session.get(ProductModel, model.id)
        assert saved.warranty_conditions == "Not covered: frost damage, unauthorised repairs."
        assert saved.specifications_public is False
    tech = make.user(Role.TECHNICIAN)
    asset = make.asset(product_model=model)
    case, visit = _on_site(make, tech, asset=asset)

    for url in (f"/a/{asset.qr_token}", f"/cases/{case.id}", f"/cases/{case.id}/report"):
        text = _get(client, url)
        assert "Not covered: frost damage, unauthorised repairs." in text, url
        assert "Parts and labour for 24 months." in text, url
    assert "Output 9 kW; refrigerant R32" in _get(client, f"/a/{asset.qr_token}")  # the product page, for staff
    assert "Not covered: frost damage" in _pdf(client, case.id)

    auth.logout()
    public = _get(client, f"/a/{asset.qr_token}")
    assert "Not covered: frost damage, unauthorised repairs." in public  # the customer's warranty
    assert "Output 9 kW" not in public  # not public until the office says so

    auth.login(tech.email)
    visit_page = _get(client, f"/visits/{visit.id}")
    assert "Output 9 kW; refrigerant R32" in visit_page
    assert "Not covered: frost damage, unauthorised repairs." in visit_page

    auth.logout()
    auth.as_role(Role.ADMIN)
    assert client.post(f"/catalog/models/{model.id}", data={**form, "specifications_public": "y"}).status_code == 303
    auth.logout()
    assert "Output 9 kW; refrigerant R32" in _get(client, f"/a/{asset.qr_token}")


def test_the_company_return_policy_is_on_the_web_request_form_and_in_the_report(app, client, auth, make):
    admin = auth.as_role(Role.ADMIN)
    case = make.case(status=CaseStatus.NEW)
    with app.app_context():
        settings.save(None, 8, 30, False, {}, db.session.get(User, admin.id),
                      return_policy="Unused products in their box: 30 days, money back.")
        db.session.commit()
    report = _get(client, f"/cases/{case.id}/report")
    assert "Return policy: The 30-day return period ended on" in report  # sold 100 days ago
    assert "Unused products in their box: 30 days, money back." in report
    auth.logout()
    assert "Unused products in their box: 30 days, money back." in _get(client, "/request/")
