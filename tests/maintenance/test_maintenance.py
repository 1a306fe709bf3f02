"""Preventive maintenance: the due-date rule, the planner (idempotent, however often it runs),
its command and page, and the public QR page agreeing with it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, CaseType, Role, ServiceType, VisitStatus
from fieldapp.services import maintenance


# --- The rule ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base, months, due", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamped to the month's end
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2025, 3, 15), 12, date(2026, 3, 15)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
])
def test_due_is_the_interval_after_the_base_clamped_to_the_months_end(base, months, due):
    assert maintenance.due_date(months, 0, None, base) == due
    assert maintenance.due_date(months, 0, base, date(2000, 1, 1)) == due  # the last maintenance wins over the sale


@pytest.mark.parametrize("model_months, visits, expected", [
    (12, 0, (12, "interval")),
    (12, 2, (6, "contract")),  # the contract's visits shorten the interval
    (3, 1, (3, "interval")),  # the model asks for more than the contract includes
    (None, 1, (12, "contract")),  # no interval on the model, but the contract includes a visit
    (None, 4, (3, "contract")),
    (6, 24, (1, "contract")),  # never less than a month
    (None, 0, None),
])
def test_interval_is_the_shorter_of_model_and_contract(model_months, visits, expected):
    assert maintenance.interval(model_months, visits) == expected


# --- On products -------------------------------------------------------------------------------------------

def _due(app, asset):
    with app.app_context():
        return maintenance.due_on(db.session.get(type(asset), asset.id))


def _done_maintenance(make, asset, when: datetime, service_type=ServiceType.MAINTENANCE):
    case = make.case(asset=asset, case_type=CaseType.MAINTENANCE, status=CaseStatus.CLOSED)
    return make.visit(case=case, start=when - timedelta(hours=2), status=VisitStatus.COMPLETED,
                      arrived_at=when - timedelta(hours=1), completed_at=when, service_type=service_type)


def test_due_counts_from_the_sale_then_from_the_last_maintenance_visit(app, make):
    model = make.product_model(maintenance_interval_months=6)
    asset = make.asset(product_model=model, sales_date=date(2025, 1, 31))
    assert _due(app, asset) == date(2025, 7, 31)

    _done_maintenance(make, asset, datetime(2025, 8, 5, 10, tzinfo=timezone.utc), ServiceType.REPAIR)
    assert _due(app, asset) == date(2025, 7, 31)  # a repair is no maintenance

    # 23:30 UTC on 31 Aug is 1 Sep in Amsterdam: the company's day counts.
    _done_maintenance(make, asset, datetime(2025, 8, 31, 23, 30, tzinfo=timezone.utc))
    assert _due(app, asset) == date(2026, 3, 1)


def test_a_contract_in_force_sets_the_pace_and_a_model_without_interval_gets_maintenance(app, make):
    today = make.today()
    plain = make.asset(product_model=make.product_model(maintenance_interval_months=None), sales_date=today)
    assert _due(app, plain) is None
    make.coverage(plain, maintenance_visits_per_year=2, starts_on=today, ends_on=today + timedelta(days=364))
    assert _due(app, plain) == maintenance.due_date(None, 2, None, today)

    yearly = make.asset(product_model=make.product_model(maintenance_interval_months=12), sales_date=today)
    make.coverage(yearly, maintenance_visits_per_year=2, starts_on=today - timedelta(days=400),
                  ends_on=today - timedelta(days=1))  # ended: no longer counts
    assert _due(app, yearly) == maintenance.due_date(12, 0, None, today)


# --- The planner -------------------------------------------------------------------------------------------

def _cases(app):
    with app.app_context():
        return db.session.execute(select(Case.asset_id, Case.maintenance_due_on, Case.case_type, Case.status,
                                         Case.description).where(Case.maintenance_due_on.is_not(None))
                                  .order_by(Case.asset_id, Case.maintenance_due_on)).all()


def _plan(app, weeks=8, today=None):
    with app.app_context():
        result = maintenance.plan(weeks, today or maintenance.clock.today())
        db.session.commit()
        return result


def test_the_planner_proposes_each_due_date_once_however_often_it_runs(app, make):
    today = make.today()
    model = make.product_model(maintenance_interval_months=12)
    soon = make.asset(product_model=model, sales_date=today - timedelta(days=340))  # due within 8 weeks
    overdue = make.asset(product_model=model, sales_date=today - timedelta(days=800))
    later = make.asset(product_model=model, sales_date=today - timedelta(days=100))  # due in ~9 months
    busy = make.asset(product_model=model, sales_date=today - timedelta(days=400))
    make.case(asset=busy, case_type=CaseType.MAINTENANCE, status=CaseStatus.NEW)  # opened by hand

    first = _plan(app)
    second = _plan(app)

    assert (first.created, first.already_planned) == (2, 1)
    assert (second.created, second.already_planned) == (0, 3)
    rows = _cases(app)
    assert [r.asset_id for r in rows] == [soon.id, overdue.id]
    assert rows[0].maintenance_due_on == _due(app, soon)
    assert rows[1].maintenance_due_on == _due(app, overdue) < today  # overdue: proposed once, with its date
    assert all(r.case_type is CaseType.MAINTENANCE and r.status is CaseStatus.NEW for r in rows)
    assert rows[0].description == f"Preventive maintenance due {rows[0].maintenance_due_on:%-d %b %Y}"
    assert later.id not in [r.asset_id for r in rows]


def test_the_horizon_edge_is_included(app, make):
    today = make.today()
    until = today + timedelta(weeks=2)
    model = make.product_model(maintenance_interval_months=1)
    on_edge = make.asset(product_model=model, sales_date=maintenance._latest_base(1, until))
    past_edge = make.asset(product_model=model, sales_date=maintenance._latest_base(1, until) + timedelta(days=1))
    with app.app_context():
        proposed = [asset_id for asset_id, _ in maintenance.preview(2, today).all()]
    assert on_edge.id in proposed and past_edge.id not in proposed
    assert _due(app, on_edge) <= until < _due(app, past_edge)


def test_a_closed_case_for_the_due_date_still_counts_and_completing_maintenance_moves_the_date(app, make):
    today = make.today()
    asset = make.asset(product_model=make.product_model(maintenance_interval_months=3),
                       sales_date=today - timedelta(days=80))
    assert _plan(app).created == 1
    [row] = _cases(app)
    with app.app_context():
        case = db.session.get(Case, db.session.scalar(select(Case.id).where(Case.asset_id == asset.id)))
        case.status = CaseStatus.CANCELLED
        db.session.commit()
    assert _plan(app).created == 0  # that due date had its case

    _done_maintenance(make, asset, datetime.now(timezone.utc) - timedelta(days=70))
    assert _plan(app).created == 1  # the next due date, 3 months after that visit
    assert [r.maintenance_due_on for r in _cases(app)] == [row.maintenance_due_on, _due(app, asset)]


def test_a_concurrent_run_that_got_there_first_is_counted_not_duplicated(app, make, monkeypatch):
    """The code's check misses (another run committed in between): the unique constraint refuses
    the second case inside its savepoint and the rest of the run goes on."""
    today = make.today()
    model = make.product_model(maintenance_interval_months=12)
    first = make.asset(product_model=model, sales_date=today - timedelta(days=350))
    second = make.asset(product_model=model, sales_date=today - timedelta(days=351))
    make.case(asset=first, case_type=CaseType.MAINTENANCE, status=CaseStatus.CLOSED,
              maintenance_due_on=_due(app, first))
    monkeypatch.setattr(maintenance, "_planned_pairs", lambda pairs: set())

    result = _plan(app)

    assert (result.created, result.already_planned) == (1, 1)
    assert sorted(r.asset_id for r in _cases(app)) == [first.id, second.id]


def test_the_preview_takes_the_same_few_queries_for_many_products(app, make, count_queries):
    today = make.today()
    model = make.product_model(maintenance_interval_months=12)
    for n in range(3):
        make.asset(product_model=model, sales_date=today - timedelta(days=340 + n))
    with app.app_context(), count_queries() as few:
        assert maintenance.preview(8, today).count == 3
    for n in range(12):
        make.asset(product_model=model, sales_date=today - timedelta(days=320 + n))
    with app.app_context(), count_queries() as many:
        assert maintenance.preview(8, today).count == 15
    assert many.count == few.count


# --- Command, page, public page ----------------------------------------------------------------------------

def test_the_command_can_run_daily(app, make, runner):
    today = make.today()
    make.asset(product_model=make.product_model(maintenance_interval_months=12), sales_date=today - timedelta(days=350))

    first = runner.invoke(args=["plan-maintenance"])
    second = runner.invoke(args=["plan-maintenance", "--weeks", "8"])

    assert first.exit_code == 0 and "Created 1 maintenance case(s) due within 8 weeks; 0 already planned." in first.output
    assert second.exit_code == 0 and "Created 0 maintenance case(s) due within 8 weeks; 1 already planned." in second.output
    assert len(_cases(app)) == 1
    assert runner.invoke(args=["plan-maintenance", "--weeks", "53"]).exit_code != 0


def test_the_dispatcher_plans_from_the_page(app, client, auth, make):
    today = make.today()
    asset = make.asset(product_model=make.product_model(maintenance_interval_months=12),
                       sales_date=today - timedelta(days=350))
    auth.as_role(Role.DISPATCHER)

    page = client.get("/maintenance/?weeks=8").get_data(as_text=True)
    assert asset.serial_number in page and "Create 1 maintenance case" in page
    assert client.get("/maintenance/?weeks=4").status_code == 200
    assert client.get("/maintenance/?weeks=53").status_code == 400
    assert client.get("/maintenance/?weeks=0").status_code == 400

    assert client.post("/maintenance/plan", data={"weeks": "60"}).status_code == 422
    response = client.post("/maintenance/plan", data={"weeks": "8"})
    assert response.status_code == 303
    again = client.post("/maintenance/plan", data={"weeks": "8"}, follow_redirects=True).get_data(as_text=True)
    assert "0 maintenance cases created; 1 already planned." in again
    assert "Nothing new falls due" in again
    [number] = [n for n, in db_rows(app, select(Case.number))]
    assert number in again  # in the open maintenance cases, linked


def db_rows(app, statement):
    with app.app_context():
        return db.session.execute(statement).all()


def test_the_public_page_shows_the_planners_date(app, client, make):
    today = make.today()
    asset = make.asset(product_model=make.product_model(maintenance_interval_months=2),
                       sales_date=today - timedelta(days=50))
    _plan(app)
    [row] = _cases(app)
    assert f"Next maintenance: {row.maintenance_due_on:%-d %b %Y}" in client.get(f"/a/{asset.qr_token}").get_data(
        as_text=True)

    # The maintenance visit is done on the planned case; both move to the same next date.
    done = datetime.now(timezone.utc) - timedelta(days=40)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.asset_id == asset.id))
        case.status = CaseStatus.RESOLVED
        db.session.commit()
        case_id = case.id
    make.visit(case=SimpleNamespace(id=case_id), start=done - timedelta(hours=2), status=VisitStatus.COMPLETED,
               arrived_at=done - timedelta(hours=1), completed_at=done, service_type=ServiceType.MAINTENANCE)
    _plan(app, weeks=4)
    latest = max(r.maintenance_due_on for r in _cases(app))
    assert latest == _due(app, asset) > row.maintenance_due_on
    assert f"Next maintenance: {latest:%-d %b %Y}" in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert db_rows(app, select(func.count(Case.id)))[0][0] == 2  # one per due date
