"""Technicians' skills (process step 5, the required expertise): the admin ticks the product
categories a technician is qualified for; the booking form, the board's Assign list and a visit's
reassign form offer the qualified first; the live clash check warns before an unqualified one is
booked (booking stays allowed)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import AuditEvent, CaseStatus, ProductModel, Role, TechnicianSkill, User
from tests.conftest import HX


def _skills(app, user) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(TechnicianSkill.category).where(TechnicianSkill.user_id == user.id)))


def _give(app, user, *categories) -> None:
    with app.app_context():
        db.session.add_all(TechnicianSkill(user_id=user.id, category=category) for category in categories)
        db.session.commit()


def _case(make, category):
    """A case waiting for a visit, on a product whose model is in `category` (None: no category)."""
    return make.case(make.asset(product_model=make.product_model(category=category)),
                     status=CaseStatus.VISIT_NEEDED)


def _select(html: str, name_or_id: str) -> str:
    """The markup of one <select>, found by its id."""
    return re.search(rf'<select[^>]*id="{name_or_id}"[^>]*>.*?</select>', html, re.S).group(0)


@pytest.fixture
def crew(app, make):
    """Two technicians; only the one listed second by name is qualified for Heating."""
    aaron = make.user(Role.TECHNICIAN, name="Aaron Allround")
    zoe = make.user(Role.TECHNICIAN, name="Zoe Heating")
    _give(app, zoe, "Heating")
    return {"aaron": aaron, "zoe": zoe}


# --- The admin's user page ------------------------------------------------------------------------------

def test_the_admin_ticks_a_technicians_skills_and_the_change_is_audited(app, client, auth, make):
    admin = auth.as_role(Role.ADMIN)
    make.product_model(category="Heating"), make.product_model(category="Cooling")
    make.product_model(category="Heating")  # a category is offered once
    tech = make.user(Role.TECHNICIAN, name="Tom Technician")

    page = client.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    skills = page[page.index('id="skills"'):page.index('id="role-title"')]
    assert "<legend" in skills and "Qualified for" in skills
    assert re.findall(r'type="checkbox" value="([^"]+)"', skills) == ["Cooling", "Heating"]

    response = client.post(f"/admin/users/{tech.id}/skills", data={"categories": ["Heating", "Cooling"]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/users/{tech.id}")
    assert _skills(app, tech) == ["Cooling", "Heating"]
    page = client.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    assert "Skills of Tom Technician saved." in page
    assert len(re.findall(r'<input[^>]*checked[^>]*type="checkbox"', page)) == 2

    assert client.post(f"/admin/users/{tech.id}/skills", data={"categories": "Cooling"}).status_code == 303
    assert _skills(app, tech) == ["Cooling"]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.skills_changed")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.entity_id, e.user_id, e.details) for e in events] == [
            (tech.id, admin.id, {"added": ["Cooling", "Heating"], "removed": []}),
            (tech.id, admin.id, {"added": [], "removed": ["Heating"]})]


def test_a_skill_no_model_uses_any_more_stays_offered_and_can_be_removed(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    tech = make.user(Role.TECHNICIAN)
    _give(app, tech, "Gas boilers")
    page = client.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    assert re.search(r'checked[^>]*type="checkbox" value="Gas boilers"', page)

    assert client.post(f"/admin/users/{tech.id}/skills", data={}).status_code == 303  # nothing ticked
    assert _skills(app, tech) == []
    assert "Gas boilers" not in client.get(f"/admin/users/{tech.id}").get_data(as_text=True)


def test_a_category_not_offered_is_refused_at_the_field_and_nothing_is_saved(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    make.product_model(category="Heating")
    tech = make.user(Role.TECHNICIAN)
    _give(app, tech, "Heating")

    response = client.post(f"/admin/users/{tech.id}/skills", data={"categories": ["Heating", "Rocket science"]})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    skills = html[html.index('id="skills"'):html.index('id="role-title"')]
    assert 'class="field__error"' in skills and "Choose categories from the list." in skills
    assert _skills(app, tech) == ["Heating"]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.skills_changed")) is None


def test_only_technicians_have_skills(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    make.product_model(category="Heating")
    dispatcher = make.user(Role.DISPATCHER)
    page = client.get(f"/admin/users/{dispatcher.id}").get_data(as_text=True)
    assert 'id="skills"' not in page and "Change role" in page

    response = client.post(f"/admin/users/{dispatcher.id}/skills", data={"categories": "Heating"})
    assert response.status_code == 422
    assert "Only technicians have skills." in response.get_data(as_text=True)
    assert _skills(app, dispatcher) == []


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.DISPATCHER])
def test_only_the_admin_sets_skills(app, client, auth, make, role):
    auth.as_role(role)
    make.product_model(category="Heating")
    tech = make.user(Role.TECHNICIAN)
    assert client.post(f"/admin/users/{tech.id}/skills", data={"categories": "Heating"}).status_code == 403
    assert _skills(app, tech) == []


def test_a_technicians_skills_go_with_the_account(app, make):
    tech = make.user(Role.TECHNICIAN)
    _give(app, tech, "Heating", "Cooling")
    with app.app_context():
        db.session.delete(db.session.get(User, tech.id))
        db.session.commit()
        assert db.session.scalar(select(TechnicianSkill.id)) is None


# --- Booking from the case page ------------------------------------------------------------------------

def test_the_booking_form_lists_the_qualified_first(app, client, make, dispatcher, crew):
    case = _case(make, "Heating")
    select_ = _select(client.get(f"/cases/{case.id}").get_data(as_text=True), "technician_id")
    assert select_.index("Choose a technician…") < select_.index('label="Qualified for Heating"')
    assert select_.index("Zoe Heating") < select_.index('label="Other technicians"') < select_.index("Aaron Allround")


@pytest.mark.parametrize("category", [None, "Cooling"])
def test_without_a_category_or_anyone_qualified_the_list_is_by_name(app, client, make, dispatcher, crew, category):
    case = _case(make, category)
    select_ = _select(client.get(f"/cases/{case.id}").get_data(as_text=True), "technician_id")
    assert "<optgroup" not in select_
    assert select_.index("Aaron Allround") < select_.index("Zoe Heating")


def test_the_clash_check_warns_about_a_technician_without_the_skill(app, client, make, dispatcher, crew):
    case = _case(make, "Heating")
    url = f"/cases/{case.id}/visits/clashes"

    unqualified = client.get(url, query_string={"technician_id": crew["aaron"].id}, headers=HX)
    assert unqualified.status_code == 200
    assert "Aaron Allround has no Heating skill recorded." in unqualified.get_data(as_text=True)

    qualified = client.get(url, query_string={"technician_id": crew["zoe"].id}, headers=HX)
    assert qualified.status_code == 200 and "skill recorded" not in qualified.get_data(as_text=True)
    assert client.get(url, headers=HX).status_code == 200  # nobody chosen yet: nothing to warn about


@pytest.mark.parametrize("category", [None, ""])
def test_no_warning_for_a_product_without_a_category(app, client, make, dispatcher, crew, category):
    case = _case(make, category)
    response = client.get(f"/cases/{case.id}/visits/clashes", query_string={"technician_id": crew["aaron"].id})
    assert response.status_code == 200 and "skill recorded" not in response.get_data(as_text=True)


def test_an_unqualified_technician_can_still_be_booked(app, client, make, dispatcher, crew):
    case = _case(make, "Heating")
    with app.app_context():
        day = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post(f"/cases/{case.id}/visits/", data={
        "technician_id": crew["aaron"].id, "day": day, "start": "13:00", "window_end": "15:00", "minutes": "60",
        "service_type": "repair"})
    assert response.status_code == 303


def test_a_refused_booking_warns_again_about_the_missing_skill(app, client, make, dispatcher, crew):
    case = _case(make, "Heating")
    response = client.post(f"/cases/{case.id}/visits/", data={
        "technician_id": crew["aaron"].id, "day": "", "start": "13:00", "window_end": "15:00", "minutes": "60",
        "service_type": "repair"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Aaron Allround has no Heating skill recorded." in html
    select_ = _select(html, "technician_id")
    assert select_.index("Zoe Heating") < select_.index("Aaron Allround")


def test_the_reassign_form_lists_the_qualified_first(app, client, make, dispatcher, crew):
    case = _case(make, "Heating")
    visit = make.visit(crew["aaron"], case)
    reassign = _select(client.get(f"/cases/{case.id}").get_data(as_text=True), f"tech-{visit.id}")
    assert reassign.index('label="Qualified for Heating"') < reassign.index("Zoe Heating") < reassign.index(
        'label="Other technicians"') < reassign.index(f'selected value="{crew["aaron"].id}">Aaron Allround')


# --- The board --------------------------------------------------------------------------------------------

def test_the_boards_assign_list_puts_the_qualified_first_per_case(app, client, make, dispatcher, crew):
    tess = make.user(Role.TECHNICIAN, name="Tess Cooling")
    _give(app, tess, "Cooling")
    heating, cooling, plain = _case(make, "Heating"), _case(make, "Cooling"), _case(make, None)

    html = client.get("/dispatch/").get_data(as_text=True)

    rows = {case.id: _select(html, f"q-tech-{case.id}") for case in (heating, cooling, plain)}

    def first(row: str) -> str:  # the first technician offered
        return re.findall(r'<option value="(\d+)">', row)[0]

    assert first(rows[heating.id]) == str(crew["zoe"].id) and 'label="Qualified for Heating"' in rows[heating.id]
    assert first(rows[cooling.id]) == str(tess.id) and 'label="Qualified for Cooling"' in rows[cooling.id]
    assert first(rows[plain.id]) == str(crew["aaron"].id) and "<optgroup" not in rows[plain.id]
    for row in rows.values():
        assert row.count("<option") == 4  # "Technician…" and each technician once


def test_skills_cost_no_query_per_technician_or_case(app, client, make, dispatcher, count_queries):
    case = _case(make, "Heating")
    client.get("/dispatch/"), client.get(f"/cases/{case.id}")
    with count_queries() as board_few:
        client.get("/dispatch/")
    with count_queries() as page_few:
        client.get(f"/cases/{case.id}")
    for n, category in enumerate(["Heating", "Cooling", "Water", None]):
        tech = make.user(Role.TECHNICIAN)
        _give(app, tech, *(["Heating", f"Skill {n}"] if n % 2 else [f"Skill {n}"]))
        _case(make, category)
    make.visit(tech, case)
    with count_queries() as board_many:
        client.get("/dispatch/")
    with count_queries() as page_many:
        client.get(f"/cases/{case.id}")
    assert (board_many.count, page_many.count) == (board_few.count, page_few.count)


def test_the_demo_technicians_have_skills_of_the_demo_catalog(new_app):
    app = new_app(template="demo")
    with app.app_context():
        catalog = set(db.session.scalars(select(ProductModel.category).where(ProductModel.category.is_not(None))))
        technicians = db.session.scalars(select(User).where(User.role == Role.TECHNICIAN)).all()
        assert technicians and all(t.skills for t in technicians)
        held = {skill.category for t in technicians for skill in t.skills}
        assert held == catalog  # every category has someone, and no skill is made up


def test_a_skill_saved_meanwhile_by_another_admin_is_a_conflict_not_an_error(app, make):
    from sqlalchemy import insert

    from fieldapp.domain import DomainError
    from fieldapp.services import field_team

    make.product_model(category="Heating")
    tech, admin = make.user(Role.TECHNICIAN), make.user(Role.ADMIN)
    with app.app_context():
        row = db.session.get(User, tech.id)
        assert row.skills == []  # what this admin's page showed
        db.session.execute(insert(TechnicianSkill).values(user_id=tech.id, category="Heating"))  # the other admin
        with pytest.raises(DomainError) as refused:
            field_team.set_skills(row, ["Heating"], db.session.get(User, admin.id))
        assert refused.value.kind == "conflict" and "changed meanwhile" in refused.value.message
