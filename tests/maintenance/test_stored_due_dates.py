"""Each product's next due date is stored for the planner: kept by the services that change an
input of the rule, computed live while it does not hold (a coverage began or ended since), and
computed again daily by `flask plan-maintenance`. The stored date always agrees with the rule."""
from __future__ import annotations

from datetime import date, timedelta

from fieldapp.extensions import db
from fieldapp.models import Asset, Customer, ProductModel, Role
from fieldapp.services import assets, catalog, coverage, maintenance
from tests.conftest import load_row


def stored(app, asset_id: int) -> tuple:
    row = load_row(app, Asset, asset_id)
    return row.maintenance_due_on, row.maintenance_due_until, row.maintenance_checked_on


def rule(app, asset_id: int, today: date | None = None) -> date | None:
    with app.app_context():
        return maintenance.due_on(db.session.get(Asset, asset_id), today)


def register(app, model_id: int, customer_id: int, sold: date, serial: str = "SN-KEPT-1") -> int:
    with app.app_context():
        asset = assets.register(db.session.get(ProductModel, model_id), db.session.get(Customer, customer_id),
                                serial, sold, None, None, None, None)
        db.session.commit()
        return asset.id


MODEL_FIELDS = ("name", "model_number", "category", "specifications", "warranty_months", "warranty_terms",
                "maintenance_interval_months", "return_window_days", "return_conditions", "care_tips")


def test_registering_stores_the_due_date_and_changing_the_models_interval_moves_it(app, make):
    today = make.today()
    model = make.product_model(maintenance_interval_months=6)
    sold = today - timedelta(days=30)
    asset_id = register(app, model.id, make.customer().id, sold)
    assert stored(app, asset_id) == (maintenance.due_date(6, 0, None, sold), None, today)

    with app.app_context():
        row = db.session.get(ProductModel, model.id)
        catalog.update_model(row, {**{name: getattr(row, name) for name in MODEL_FIELDS},
                                   "maintenance_interval_months": 3}, None)
        db.session.commit()
    assert stored(app, asset_id)[0] == rule(app, asset_id) == maintenance.due_date(3, 0, None, sold)


def test_selling_a_contract_that_starts_later_holds_until_the_day_before_it(app, make):
    today = make.today()
    model = make.product_model(maintenance_interval_months=12)
    asset_id = register(app, model.id, make.customer().id, today - timedelta(days=10))
    plan = make.coverage_plan(kind="service_contract", months=12, maintenance_visits_per_year=4)
    starts = today + timedelta(days=20)
    seller = make.user(Role.DISPATCHER)
    with app.app_context():
        coverage.sell(db.session.get(Asset, asset_id), db.session.get(type(plan), plan.id), starts, 0, None,
                      db.session.get(type(seller), seller.id))
        db.session.commit()
    due_on, until, checked = stored(app, asset_id)
    assert (due_on, until, checked) == (rule(app, asset_id), starts - timedelta(days=1), today)
    # The day the contract starts, the stored date no longer holds: the planner computes it live,
    # and the daily job stores it again, now good until the contract ends.
    assert rule(app, asset_id, starts) != due_on
    with app.app_context():
        assert maintenance.refresh_stale(starts) == 1
        db.session.commit()
    due_on, until, checked = stored(app, asset_id)
    assert (due_on, checked) == (rule(app, asset_id, starts), starts)
    assert until is not None and until > starts


def test_completing_a_maintenance_visit_moves_the_stored_date(app, client, make, auth):
    today = make.today()
    model = make.product_model(maintenance_interval_months=6)
    asset_id = register(app, model.id, make.customer().id, today - timedelta(days=200))
    before = stored(app, asset_id)[0]
    tech = auth.as_role(Role.TECHNICIAN)
    from fieldapp.models import CaseType, Outcome, ServiceType, VisitStatus
    case = make.case(asset=load_row(app, Asset, asset_id), case_type=CaseType.MAINTENANCE)
    visit = make.visit(technician=tech, case=case, service_type=ServiceType.MAINTENANCE, status=VisitStatus.ON_SITE,
                       arrived_at=None, outcome=Outcome.RESOLVED, actions_taken="Cleaned the filters.")
    response = client.post(f"/visits/{visit.id}/complete", data={"client_id": "0d2a5a0c-8f1e-4b7a-9a55-3c0c1e2f4b6d"})
    assert response.status_code == 303
    after = stored(app, asset_id)[0]
    assert after == rule(app, asset_id) and after != before and after > today


def test_the_planner_reads_stored_dates_and_computes_the_stale_ones(app, make):
    today = make.today()
    model = make.product_model(maintenance_interval_months=1)
    kept = [register(app, model.id, make.customer().id, today - timedelta(days=40), f"SN-K{i}") for i in range(3)]
    # Written around the services (an import, a restore): never computed, so computed live.
    raw = make.asset(product_model=model, sales_date=today - timedelta(days=40))
    with app.app_context():
        proposed = dict(maintenance.preview(2, today).all())
    assert set(proposed) == {*kept, raw.id}
    assert all(proposed[asset_id] == rule(app, asset_id) for asset_id in proposed)
    # A stored date is trusted: move one in the database and the planner follows it.
    with app.app_context():
        db.session.get(Asset, kept[0]).maintenance_due_on = today + timedelta(weeks=10)
        db.session.commit()
        assert kept[0] not in dict(maintenance.preview(2, today).all())


def test_the_planner_page_pages_the_stored_dates_and_shows_why(client, make, app, dispatcher):
    today = make.today()
    model = make.product_model(name="Boiler Z", maintenance_interval_months=12)
    ids = [register(app, model.id, make.customer(name=f"Owner {i:02d}").id, today - timedelta(days=370 + i),
                    f"SN-P{i:02d}") for i in range(30)]
    first = client.get("/maintenance/")
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "30 to plan" in html and "Every 12 months (model)" in html
    assert html.count("Boiler Z") == 25  # a page of 25, the oldest due first
    assert "Owner 29" in html and "Owner 00" not in html
    second = client.get("/maintenance/?page=2").get_data(as_text=True)
    assert second.count("Boiler Z") == 5 and "Owner 00" in second
    assert len(ids) == 30


def test_the_stored_preview_and_its_page_take_the_same_few_queries_for_many_products(app, make, count_queries):
    today = make.today()
    model = make.product_model(maintenance_interval_months=12)

    def add(n: int, offset: int) -> None:
        for i in range(n):
            make.asset(product_model=model, sales_date=today - timedelta(days=offset + i))
        with app.app_context():
            maintenance.refresh_stale(today)
            db.session.commit()

    def read(expected: int):
        with app.app_context(), count_queries() as counter:
            previewed = maintenance.preview(8, today)
            assert previewed.count == expected and len(previewed.page(1, 25)) == min(expected, 25)
        return counter.count

    add(3, 340)
    few = read(3)
    add(40, 320)
    assert read(43) == few
