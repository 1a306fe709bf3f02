"""Parts replaced on a visit: search, add, change, remove, and their effect on the cost."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Outcome, Role, VisitPart, VisitStatus
from tests.conftest import HX, cid



@pytest.fixture
def tech(auth):
    return auth.as_role(Role.TECHNICIAN)


@pytest.fixture
def visit(make, tech):
    return make.visit(tech, status=VisitStatus.ON_SITE, arrived_at=datetime.now(timezone.utc))


def rows(app):
    with app.app_context():
        found = db.session.scalars(select(VisitPart).order_by(VisitPart.id)).all()
        for row in found:
            db.session.expunge(row)
        return found


def test_search_finds_parts_by_sku_prefix_or_name_as_a_fragment(app, client, make, visit):
    make.part(sku="WM-PMP-01", name="Drain pump")
    make.part(sku="FF-FAN-02", name="Evaporator fan")
    make.part(sku="OLD-PMP", name="Old pump", active=False)

    by_sku = client.get(f"/visits/{visit.id}/parts/search?q=wm-p", headers=HX).get_data(as_text=True)
    by_name = client.get(f"/visits/{visit.id}/parts/search?q=PUMP", headers=HX).get_data(as_text=True)

    assert by_sku.lstrip().startswith('<div id="part-results"') and "Drain pump" in by_sku
    assert "Evaporator fan" not in by_sku
    assert "Drain pump" in by_name and "Old pump" not in by_name


def test_search_without_htmx_shows_the_page_with_results(client, make, visit):
    make.part(sku="SKU-1", name="Door seal")
    html = client.get(f"/visits/{visit.id}/parts/search?q=seal").get_data(as_text=True)
    assert "<html" in html and "Door seal" in html and 'value="seal"' in html


def test_search_says_when_nothing_matches_and_ignores_wildcards(client, make, visit):
    make.part(sku="A-1", name="Fuse")
    html = client.get(f"/visits/{visit.id}/parts/search?q=%25", headers=HX).get_data(as_text=True)
    assert "No part matches" in html and "Fuse" not in html


def test_search_refuses_a_very_long_query(client, visit):
    assert client.get(f"/visits/{visit.id}/parts/search?q={'x' * 61}").status_code == 400


def test_adding_a_part_uses_the_catalog_price_and_the_coverage(app, client, make, visit):
    part = make.part(name="Drain pump", unit_price_cents=4900)

    response = client.post(f"/visits/{visit.id}/parts/", headers=HX,
                           data={"client_id": cid(), "part_id": part.id, "quantity": "1"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="parts"') and "1 × Drain pump" in html
    assert '<div id="cost-lines" class="cost-lines" hx-swap-oob="true">' in html
    [row] = rows(app)
    assert (row.quantity, row.unit_cost_cents, row.covered) == (1, 4900, True)
    assert "<details open>" in html  # the new row opens for serials


def test_adding_with_serials_quantity_and_own_price(app, client, make, visit):
    part = make.part()
    client.post(f"/visits/{visit.id}/parts/", data={
        "client_id": cid(), "part_id": part.id, "quantity": "3", "unit_cost": "7,25",
        "faulty_serial": "F-1", "replacement_serial": "R-1"})
    [row] = rows(app)
    assert (row.quantity, row.unit_cost_cents, row.faulty_serial, row.replacement_serial) == (3, 725, "F-1", "R-1")


def test_a_double_tap_adds_one_row(app, client, make, visit):
    part = make.part()
    data = {"client_id": cid(), "part_id": part.id, "quantity": "1"}
    client.post(f"/visits/{visit.id}/parts/", data=data, headers=HX)
    client.post(f"/visits/{visit.id}/parts/", data=data, headers=HX)
    assert len(rows(app)) == 1


@pytest.mark.parametrize("data, message", [
    ({"part_id": "99999", "quantity": "1"}, "That part is not in the catalog."),
    ({"part_id": "", "quantity": "1"}, "Choose a part from the search."),
    ({"quantity": "0"}, "between 1 and 999"),
    ({"quantity": "-2"}, "between 1 and 999"),
    ({"quantity": "two"}, "Not a valid integer"),
    ({"quantity": "1", "unit_cost": "-1"}, "cannot be negative"),
])
def test_bad_part_input_is_refused_with_a_message(app, client, make, visit, data, message):
    part = make.part()
    payload = {"client_id": cid(), "part_id": part.id, **data}
    response = client.post(f"/visits/{visit.id}/parts/", data=payload, headers=HX)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app) == []


def test_an_inactive_part_cannot_be_added(app, client, make, visit):
    part = make.part(active=False)
    response = client.post(f"/visits/{visit.id}/parts/", data={"client_id": cid(), "part_id": part.id, "quantity": "1"})
    assert response.status_code == 422 and rows(app) == []


def test_editing_a_row(app, client, make, visit):
    row = make.visit_part(visit, quantity=1, unit_cost_cents=1000, covered=True)
    response = client.post(f"/visits/{visit.id}/parts/{row.id}", headers=HX, data={
        "client_id": cid(), "quantity": "2", "unit_cost": "12.00", "faulty_serial": "F9",
        "replacement_serial": "R9"})
    assert response.status_code == 200
    [changed] = rows(app)
    assert (changed.quantity, changed.unit_cost_cents, changed.covered, changed.faulty_serial) == (2, 1200, False, "F9")
    assert "€24.00" in response.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"quantity": "0", "unit_cost": "1"}, "between 1 and 999"),
    ({"quantity": "x", "unit_cost": "1"}, "Not a valid integer"),
    ({"quantity": "1", "unit_cost": "-5"}, "cannot be negative"),
    ({"quantity": "1", "unit_cost": ""}, "Enter the unit cost."),
])
def test_bad_edits_keep_the_row_and_show_the_message_in_the_open_row(app, client, make, visit, data, message):
    row = make.visit_part(visit, quantity=4, unit_cost_cents=500)
    response = client.post(f"/visits/{visit.id}/parts/{row.id}", headers=HX, data={"client_id": cid(), **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and "<details open>" in html
    [unchanged] = rows(app)
    assert (unchanged.quantity, unchanged.unit_cost_cents) == (4, 500)


def test_removing_a_row_and_a_repeat_is_harmless(app, client, make, visit):
    row = make.visit_part(visit)
    data = {"client_id": cid()}
    assert client.post(f"/visits/{visit.id}/parts/{row.id}/remove", data=data, headers=HX).status_code == 200
    assert client.post(f"/visits/{visit.id}/parts/{row.id}/remove", data=data, headers=HX).status_code == 200
    assert rows(app) == []


def test_rows_of_another_visit_are_not_found(client, make, visit, tech):
    other_row = make.visit_part(make.visit(tech))
    response = client.post(f"/visits/{visit.id}/parts/{other_row.id}", data={"client_id": cid(), "quantity": "1",
                                                                          "unit_cost": "1"})
    assert response.status_code == 404


def test_parts_are_locked_once_the_visit_is_completed(app, client, make, tech):
    done = make.visit(tech, status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED, actions_taken="x",
                      completed_at=datetime.now(timezone.utc))
    response = client.post(f"/visits/{done.id}/parts/", data={"client_id": cid(), "part_id": make.part().id,
                                                           "quantity": "1"}, headers=HX)
    assert response.status_code == 409 and "can no longer be changed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(VisitPart.id))) == 0
