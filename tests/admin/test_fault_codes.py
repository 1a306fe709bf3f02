"""Fault codes: the admin's taxonomy (add, edit, deactivate) and the technician's one-tap chips on
the visit (own visit only, while it is open, only codes offered for the product's category)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from fieldapp.extensions import db
from fieldapp.models import FaultCode, FaultKind, Role, Visit, VisitStatus


def test_the_admin_adds_edits_and_deactivates_a_code(app, client, auth):
    auth.as_role(Role.ADMIN)

    added = client.post("/admin/fault-codes/", data={"category": "Heating", "kind": "symptom", "code": "no-heat",
                                                     "label": "No heating", "client_id": "6f1c1f9e-8d7b-4c1e-9a43-1f2b3c4d5e6f"})
    assert added.status_code == 303
    with app.app_context():
        code = db.session.query(FaultCode).one()
        assert (code.category, code.kind, code.code, code.label, code.active) == (
            "Heating", FaultKind.SYMPTOM, "NO-HEAT", "No heating", True)
        code_id = code.id
    assert "NO-HEAT" in client.get("/admin/fault-codes/").get_data(as_text=True)

    edited = client.post(f"/admin/fault-codes/{code_id}", data={"category": "", "kind": "symptom", "code": "NO-HEAT",
                                                                 "label": "No heat at all"})
    assert edited.status_code == 303
    assert client.post(f"/admin/fault-codes/{code_id}/deactivate").status_code == 303
    with app.app_context():
        code = db.session.get(FaultCode, code_id)
        assert (code.category, code.label, code.active) == (None, "No heat at all", False)
    assert client.post(f"/admin/fault-codes/{code_id}/reactivate").status_code == 303


def test_a_code_taken_in_its_kind_and_category_is_refused_with_what_was_typed(client, auth, make):
    make.fault_code(category="Heating", code="NO-HEAT")
    auth.as_role(Role.ADMIN)

    response = client.post("/admin/fault-codes/", data={"category": "heating", "kind": "symptom", "code": "no-heat",
                                                        "label": "Cold radiators",
                                                        "client_id": "6f1c1f9e-8d7b-4c1e-9a43-1f2b3c4d5e60"})

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "already uses this code" in page and 'value="Cold radiators"' in page


def test_a_dispatcher_cannot_change_the_taxonomy(client, auth, make):
    code = make.fault_code()
    auth.as_role(Role.DISPATCHER)
    assert client.get("/admin/fault-codes/").status_code == 403
    assert client.post(f"/admin/fault-codes/{code.id}/deactivate").status_code == 403


@pytest.fixture
def on_site(make, auth):
    """The signed-in technician on site at a Heating product, with codes for Heating, for every
    category, for Cooling, and an inactive one."""
    me = auth.as_role(Role.TECHNICIAN)
    model = make.product_model(category="Heating")
    arrived = datetime.now(timezone.utc) - timedelta(minutes=30)
    visit = make.visit(me, make.case(asset=make.asset(product_model=model)), status=VisitStatus.ON_SITE,
                       start=arrived - timedelta(minutes=10), arrived_at=arrived)
    codes = {
        "heat": make.fault_code(category="Heating", code="NO-HEAT", label="No heating"),
        "any": make.fault_code(code="NOISE", label="Unusual noise"),
        "cool": make.fault_code(category="Cooling", code="NO-COOL", label="Not cooling"),
        "old": make.fault_code(category="Heating", code="OLD", label="Retired code", active=False),
        "cause": make.fault_code(category="Heating", kind=FaultKind.CAUSE, code="EXV", label="Valve stuck"),
        "remedy": make.fault_code(kind=FaultKind.REMEDY, code="REPLACE", label="Part replaced"),
    }
    return visit, codes


def _pick(client, visit, symptom="none", cause="none", remedy="none", **headers):
    return client.post(f"/visits/{visit.id}/fields/fault_codes", headers=headers, data={
        "symptom_code_id": str(symptom), "cause_code_id": str(cause), "remedy_code_id": str(remedy),
        "client_id": str(uuid.uuid4())})


def test_the_visit_offers_the_codes_of_the_products_category_as_chips(client, on_site):
    visit, codes = on_site

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert 'id="field-fault_codes"' in page and 'class="chip__input"' in page
    assert "NO-HEAT · No heating" in page and "NOISE · Unusual noise" in page and "EXV · Valve stuck" in page
    assert "NO-COOL" not in page and "Retired code" not in page


def test_one_tap_saves_the_codes_and_htmx_gets_the_chips_back(app, client, on_site):
    visit, codes = on_site

    response = _pick(client, visit, codes["heat"].id, codes["cause"].id, codes["remedy"].id, **{"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="field-fault_codes"' in html and "Saved" in html
    assert f'<input checked class="chip__input" id="symptom_code_id-1" name="symptom_code_id" type="radio" ' \
           f'value="{codes["heat"].id}">' in html
    with app.app_context():
        saved = db.session.get(Visit, visit.id)
        assert (saved.symptom_code_id, saved.cause_code_id, saved.remedy_code_id) == (
            codes["heat"].id, codes["cause"].id, codes["remedy"].id)
    assert _pick(client, visit).status_code == 303  # "Not set" clears them
    with app.app_context():
        assert db.session.get(Visit, visit.id).symptom_code_id is None


@pytest.mark.parametrize("which", ["cool", "old", "cause"])
def test_a_code_not_offered_on_this_visit_is_refused(app, client, on_site, which):
    visit, codes = on_site

    response = _pick(client, visit, codes[which].id, **{"HX-Request": "true"})

    assert response.status_code == 422
    assert "Choose a symptom from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Visit, visit.id).symptom_code_id is None


def test_another_technicians_visit_is_not_found_and_a_finished_one_is_locked(app, client, make, on_site):
    visit, codes = on_site
    theirs = make.visit(make.user(Role.TECHNICIAN), make.case(), status=VisitStatus.ON_SITE)
    assert _pick(client, theirs, codes["any"].id).status_code == 404

    with app.app_context():
        db.session.get(Visit, visit.id).status = VisitStatus.COMPLETED
        db.session.commit()
    response = _pick(client, visit, codes["heat"].id)
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Visit, visit.id).symptom_code_id is None


def test_an_office_user_sees_the_picked_codes_as_text(app, client, auth, on_site):
    visit, codes = on_site
    _pick(client, visit, codes["heat"].id)
    auth.logout()
    auth.as_role(Role.DISPATCHER)

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert "NO-HEAT · No heating" in page and 'class="chip__input"' not in page
