"""The Reports dashboard: every figure checked against values computed by hand on a small fixture
(two technicians, two models, a handful of visits in June 2025 and May 2025, Amsterdam time)."""
from __future__ import annotations

import re

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseStatus, Channel, Complaint, ComplaintSource, Customer, FaultCode, FaultKind, FollowUp,
    FollowUpKind, Part, Priority, ProductModel, Rating, RatingSource, Role, ServiceType, User, Visit, VisitPart,
    VisitStatus,
)
from fieldapp.services import dashboard
from fieldapp.services.dashboard import Filters, Period

AMS = ZoneInfo("Europe/Amsterdam")
JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))  # the previous period: 2 May to 31 May


def at(month, day, hour, minute=0, year=2025):
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def shop(app):
    """The hand-built company. Returns the ids the assertions need."""
    with app.app_context():
        ann = User(email="ann@example.com", name="Ann", role=Role.TECHNICIAN, password_hash="x")
        bob = User(email="bob@example.com", name="Bob", role=Role.TECHNICIAN, password_hash="x")
        alpha = ProductModel(name="Alpha heat pump", model_number="A-1", category="Heating")
        breeze = ProductModel(name="Breeze AC", model_number="B-1", category="Cooling")
        customer = Customer(name="Cleo")
        a1 = Asset(serial_number="A1", product_model=alpha, customer=customer, sales_date=date(2024, 1, 1))
        a2 = Asset(serial_number="A2", product_model=alpha, customer=customer, sales_date=date(2024, 1, 1))
        a3 = Asset(serial_number="A3", product_model=breeze, customer=customer, sales_date=date(2024, 1, 1))
        no_heat = FaultCode(category="Heating", kind=FaultKind.SYMPTOM, code="NO-HEAT", label="No heating")
        valve = FaultCode(category="Heating", kind=FaultKind.CAUSE, code="EXV", label="Expansion valve stuck")
        noise = FaultCode(category=None, kind=FaultKind.SYMPTOM, code="NOISE", label="Unusual noise")
        p1 = Part(sku="P1", name="Valve", unit_price_cents=1000)
        p2 = Part(sku="P2", name="Fan", unit_price_cents=2000)
        db.session.add_all([ann, bob, customer, a1, a2, a3, no_heat, valve, noise, p1, p2])
        n = iter(range(1, 100))

        def case(asset, priority=Priority.NORMAL, created=None, responded=None, resolved=None):
            row = Case(number=f"C-{next(n)}", asset=asset, customer=customer, channel=Channel.PHONE, description="x",
                       status=CaseStatus.RESOLVED if resolved else CaseStatus.SCHEDULED, priority=priority,
                       created_at=created or at(1, 1, 8), first_response_at=responded, resolved_at=resolved)
            db.session.add(row)
            return row

        def visit(tech, case_, arrived, completed, total, covered, score=None, symptom=None, cause=None, parts=(),
                  status=VisitStatus.COMPLETED):
            row = Visit(case=case_, technician=tech, scheduled_start=arrived, scheduled_end=completed,
                        service_type=ServiceType.REPAIR, status=status, arrived_at=arrived, completed_at=completed,
                        total_cents=total, covered_cents=covered, billable_cents=total - covered,
                        symptom_code=symptom, cause_code=cause)
            if score:
                scores = score if isinstance(score, dict) else {aspect: score for aspect in dashboard.ASPECTS}
                row.rating = Rating(source=RatingSource.QR, **scores)
            for part, quantity in parts:
                row.parts.append(VisitPart(part=part, quantity=quantity, unit_cost_cents=part.unit_price_cents))
            db.session.add(row)
            return row

        k1 = case(a1, created=at(6, 1, 8), responded=at(6, 1, 12), resolved=at(6, 2, 12))
        k2 = case(a1, Priority.URGENT, created=at(6, 19, 8), responded=at(6, 19, 11), resolved=at(6, 20, 10))
        k3 = case(a3, created=at(5, 19, 8), responded=at(5, 19, 9), resolved=at(6, 10, 18))
        k4 = case(a2, created=at(6, 29, 8), responded=at(6, 29, 10))
        k5 = case(a2, created=at(6, 30, 8))
        k6 = case(a1, created=at(3, 31, 8), resolved=at(4, 1, 12))
        case(a3, created=at(5, 14, 8), responded=at(5, 14, 8, 30), resolved=at(5, 15, 8))  # solved remotely
        # June
        visit(ann, k1, at(6, 2, 10), at(6, 2, 12), 10000, 10000, {"overall": 5, "timeliness": 4, "professionalism": 5,
                                                                  "quality": 5, "product_performance": 4},
              no_heat, valve, [(p1, 2)])
        visit(ann, k2, at(6, 20, 9), at(6, 20, 10), 5000, 0, 3, no_heat, parts=[(p1, 1)])
        visit(bob, k3, at(6, 10, 14), at(6, 10, 17), 8000, 3000, 4, noise, parts=[(p2, 1)])
        visit(bob, k4, at(6, 30, 23), at(6, 30, 23, 30), 2000, 0)  # the period's last half hour
        visit(bob, k5, at(7, 1, 0), at(7, 1, 0, 30), 9000, 0, 1, noise)  # just after it
        # May (the previous period), and April (only a product's earlier visit)
        visit(bob, k3, at(5, 20, 10), at(5, 20, 11), 4000, 4000, 2, noise, parts=[(p2, 3)])
        visit(ann, k6, at(4, 1, 10), at(4, 1, 12), 6000, 1000, 4)
        # A visit not completed never counts.
        visit(ann, k4, at(6, 29, 10), at(6, 29, 11), 0, 0, status=VisitStatus.NOT_COMPLETED)
        db.session.add_all([
            Complaint(case=k1, source=ComplaintSource.PHONE, description="a", received_at=at(6, 5, 9),
                      resolved_at=at(6, 7, 9)),
            Complaint(case=k1, source=ComplaintSource.PHONE, description="b", received_at=at(5, 30, 12),
                      resolved_at=at(6, 2, 12)),
            Complaint(case=k2, source=ComplaintSource.PHONE, description="c", received_at=at(6, 25, 9)),
            Complaint(case=k3, source=ComplaintSource.PHONE, description="d", received_at=at(5, 10, 9),
                      resolved_at=at(5, 11, 9)),
            # Done at 00:30 on the 11th in Amsterdam (still the 10th in UTC): late.
            FollowUp(case=k1, kind=FollowUpKind.CALL, due_on=date(2025, 6, 10), done_at=at(6, 11, 0, 30)),
            FollowUp(case=k1, kind=FollowUpKind.CALL, due_on=date(2025, 6, 15), done_at=at(6, 14, 16)),
            FollowUp(case=k2, kind=FollowUpKind.CALL, due_on=date(2025, 6, 20)),
            FollowUp(case=k3, kind=FollowUpKind.CALL, due_on=date(2025, 5, 20), done_at=at(5, 25, 10)),
        ])
        db.session.commit()
        return {"ann": ann.id, "bob": bob.id, "alpha": alpha.id, "breeze": breeze.id, "no_heat": no_heat.id,
                "valve": valve.id, "noise": noise.id, "k1": k1.number}


def test_the_previous_period_has_the_same_length_just_before(app):
    assert JUNE.previous == Period(date(2025, 5, 2), date(2025, 5, 31))
    with app.app_context():  # local midnights in summer time: 22:00 UTC the day before
        assert JUNE.start.isoformat() == "2025-06-01T00:00:00+02:00"
        assert JUNE.end.astimezone(AMS).isoformat() == "2025-07-01T00:00:00+02:00"


def test_satisfaction_per_aspect_technician_and_model(app, shop):
    with app.app_context():
        aspects = {row.key: row.value for row in dashboard.aspect_averages(JUNE)}
        technicians = {row.label: row.value for row in dashboard.technician_ratings(JUNE)}
        models = {row.label: row.value for row in dashboard.model_ratings(JUNE)}

    assert aspects["overall"].current == pytest.approx(4.0)  # (5 + 3 + 4) / 3
    assert aspects["timeliness"].current == pytest.approx(11 / 3)
    assert aspects["product_performance"].current == pytest.approx(11 / 3)
    assert (aspects["overall"].current_n, aspects["overall"].previous, aspects["overall"].previous_n) == (3, 2.0, 1)
    assert aspects["overall"].change == pytest.approx(2.0)
    assert technicians["Ann"].current == pytest.approx(4.0) and technicians["Ann"].previous is None
    assert (technicians["Bob"].current, technicians["Bob"].previous) == (4.0, 2.0)
    assert models["Alpha heat pump"].current == pytest.approx(4.0) and models["Alpha heat pump"].current_n == 2
    assert (models["Breeze AC"].current, models["Breeze AC"].previous) == (4.0, 2.0)


def test_satisfaction_over_time_in_weeks(app, shop):
    with app.app_context():
        trend = dashboard.rating_trend(JUNE)

    assert [point.first.day for point in trend] == [1, 8, 15, 22, 29]
    assert [point.average for point in trend] == [5.0, 4.0, 3.0, None, None]
    assert [point.count for point in trend] == [1, 1, 1, 0, 0]


def test_first_time_fix_repair_time_and_repeat_visits(app, shop):
    with app.app_context():
        fix = dashboard.first_time_fix(JUNE)
        repair = dashboard.time_to_repair(JUNE)
        repeats = dashboard.repeat_visits(JUNE)

    # Resolved in June with a visit: C1 and C2 with one, C3 with two; the remote case is left out.
    assert (fix.current, fix.current_n, fix.previous, fix.previous_n) == (pytest.approx(2 / 3), 3, None, 0)
    assert repair.current == pytest.approx((2 + 1 + 3 + 0.5) / 4) and repair.current_n == 4
    assert (repair.previous, repair.previous_n) == (pytest.approx(1.0), 1)
    # A1 in June: 62 days after April's visit, then back 18 days later; A3 21 days after May's.
    assert (repeats.completed.current, repeats.completed.previous) == (4, 1)
    assert (repeats.within[30].current, repeats.within[90].current, repeats.within[90].previous) == (2, 3, 0)
    assert repeats.share(30).current == pytest.approx(0.5)


def test_response_and_resolution_against_the_targets(app, shop):
    with app.app_context():
        times = {row.priority: row for row in dashboard.service_times(JUNE)}

    normal, urgent = times[Priority.NORMAL], times[Priority.URGENT]
    assert (normal.response_target, normal.resolution_target) == (8, 120)
    assert normal.response_hours.current == pytest.approx(3.0) and normal.response_within.current == 1.0
    assert normal.response_hours.previous == pytest.approx(0.75)
    assert urgent.response_hours.current == pytest.approx(3.0) and urgent.response_within.current == 0.0
    assert normal.resolution_hours.current == pytest.approx((28 + 538) / 2)
    assert normal.resolution_within.current == 0.5 and normal.resolution_within.previous == 1.0
    assert urgent.resolution_within.current == 0.0
    assert times[Priority.LOW].response_hours.current is None


def test_parts_faults_costs_complaints_and_follow_ups(app, shop):
    with app.app_context():
        parts = [(row.model, row.sku, row.quantity.current, row.quantity.previous) for row in dashboard.top_parts(JUNE)]
        faults = dashboard.fault_ranking(JUNE)
        costs = dashboard.costs(JUNE)
        complaints = dashboard.complaints(JUNE)
        follow_ups = dashboard.follow_ups(JUNE)

    assert parts == [("Alpha heat pump", "P1", 3, 0), ("Breeze AC", "P2", 1, 3)]
    ranked = [(row.model, row.code, row.count.current, row.count.previous, row.visits.current, row.rising)
              for row in faults]
    assert ranked == [("Alpha heat pump", "NO-HEAT", 2, 0, 3, True), ("Alpha heat pump", "EXV", 1, 0, 3, False),
                      ("Breeze AC", "NOISE", 1, 1, 1, False)]
    assert faults[0].rate.current == pytest.approx(200 / 3)
    assert dashboard.rising_models(faults) == ["Alpha heat pump"]
    assert (costs.covered.current, costs.billable.current, costs.total.current) == (13000, 12000, 25000)
    assert (costs.covered.previous, costs.billable.previous, costs.total.previous) == (4000, 0, 4000)
    assert (complaints.opened.current, complaints.resolved.current, complaints.hours_to_resolve.current) == (2, 2, 60)
    assert (complaints.opened.previous, complaints.resolved.previous, complaints.hours_to_resolve.previous) == (2, 1, 24)
    assert [(pair.current, pair.previous) for pair in
            (follow_ups.due, follow_ups.on_time, follow_ups.late, follow_ups.overdue, follow_ups.pending)] == [
        (3, 1), (1, 0), (1, 1), (1, 0), (0, 0)]


def test_the_period_edges_are_local_midnights(app, shop):
    last_day = Period(date(2025, 6, 30), date(2025, 6, 30))
    with app.app_context():
        assert dashboard.time_to_repair(last_day).current_n == 1  # 23:00-23:30 on the 30th, not 00:30 on the 1st
        assert dashboard.time_to_repair(Period(date(2025, 7, 1), date(2025, 7, 1))).current_n == 1


def test_the_drill_down_lists_the_visits_behind_a_figure(app, shop):
    with app.app_context():
        rows, more = dashboard.drill_down(JUNE, Filters(model_id=shop["alpha"], code_id=shop["no_heat"]), 1)
        bobs, _ = dashboard.drill_down(JUNE, Filters(technician_id=shop["bob"]), 1)
        labels = dashboard.filter_labels(Filters(model_id=shop["alpha"], code_id=shop["no_heat"]))

    assert [(row.completed_at.astimezone(AMS).day, row.technician, row.symptom) for row in rows] == [
        (20, "Ann", "NO-HEAT"), (2, "Ann", "NO-HEAT")]
    assert not more
    assert [row.completed_at.astimezone(AMS).day for row in bobs] == [30, 10]
    assert labels == ["Model: Alpha heat pump", "Fault code: NO-HEAT · No heating"]


def test_the_dashboard_takes_the_same_queries_however_many_rows(app, shop, count_queries):
    with app.app_context():
        with count_queries() as few:
            dashboard.report(JUNE)
        technician = db.session.get(User, shop["ann"])
        for day in range(1, 29):
            case = Case(number=f"C-X{day}", asset_id=1, channel=Channel.PHONE, description="x",
                        status=CaseStatus.RESOLVED, resolved_at=at(6, day, 18), first_response_at=at(6, day, 9),
                        created_at=at(6, day, 8))
            db.session.add(Visit(case=case, technician=technician, scheduled_start=at(6, day, 10),
                                 scheduled_end=at(6, day, 12), service_type=ServiceType.REPAIR,
                                 status=VisitStatus.COMPLETED, arrived_at=at(6, day, 10), completed_at=at(6, day, 11),
                                 symptom_code_id=shop["noise"], rating=Rating(source=RatingSource.QR, overall=3,
                                 timeliness=3, professionalism=3, quality=3, product_performance=3)))
        db.session.commit()
        with count_queries() as many:
            report = dashboard.report(JUNE)

    assert report.time_to_repair.current_n == 4 + 28
    assert many.count == few.count <= 16


def test_the_page_shows_every_figure_with_its_table_and_drill_down_links(client, auth, shop):
    auth.as_role(Role.DISPATCHER)

    page = client.get("/dashboard/?from=2025-06-01&to=2025-06-30").get_data(as_text=True)

    assert "1 Jun 2025" in page or "01 Jun 2025" in page
    for title in ("Satisfaction per aspect", "Satisfaction over time", "Satisfaction per technician",
                  "First-time fix", "Response and resolution", "Repeat visits", "Recurring faults",
                  "Most replaced parts", "Covered and billable", "Complaints", "Follow-ups"):
        assert title in page
    assert page.count('<svg class="chart') >= 11
    assert "style=" not in page and "<script>" not in page
    assert "Rising faults" in page and "Alpha heat pump" in page
    assert f"/dashboard/visits?model_id={shop['alpha']}&amp;code_id={shop['no_heat']}&amp;from=2025-06-01&amp;to=2025-06-30" in page
    assert "pauses while waiting for the customer are not subtracted" in " ".join(page.split())


def test_the_drill_down_page_links_to_the_cases(client, auth, shop):
    auth.as_role(Role.ADMIN)

    page = client.get(f"/dashboard/visits?from=2025-06-01&to=2025-06-30&model_id={shop['alpha']}").get_data(as_text=True)

    assert f">{shop['k1']}</a>" in page and "Model: Alpha heat pump" in page


@pytest.mark.parametrize("query, message", [
    ("from=2025-06-30&to=2025-06-01", "The period must end on or after its first day."),
    ("from=2020-01-01&to=2025-06-01", "Choose a period of at most"),
    ("from=1%2F6%2F2025&to=2025-06-30", "Enter the first day as a date like 2026-03-01."),
    ("from=2025-06-01", "Enter the last day as a date like 2026-03-01."),
    ("preset=forever", "Choose a period from the list"),
])
def test_a_period_the_page_cannot_answer_is_a_400_that_says_why(client, auth, query, message):
    auth.as_role(Role.DISPATCHER)

    response = client.get(f"/dashboard/?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_presets(app):
    today = date(2026, 5, 17)
    assert dashboard.preset("last_30_days", today) == Period(date(2026, 4, 18), today)
    assert dashboard.preset("this_quarter", today) == Period(date(2026, 4, 1), today)
    assert dashboard.preset("last_12_months", today) == Period(date(2025, 5, 18), today)


def test_reports_is_in_the_office_navigation(client, auth):
    auth.as_role(Role.DISPATCHER)
    assert '<a href="/dashboard/">Reports</a>' in client.get("/account/").get_data(as_text=True)


def test_each_process_keeps_the_figures_for_a_while_and_says_when_they_were_computed(app, client, auth, shop, make):
    auth.as_role(Role.DISPATCHER)
    app.config["DASHBOARD_CACHE_SECONDS"] = 300
    june = "/dashboard/?from=2025-06-01&to=2025-06-30"
    first = client.get(june).get_data(as_text=True)
    assert re.search(r"Figures as of \d\d:\d\d; they are computed again at most every 5 minutes", first)
    make.visit(start=at(6, 20, 9), status=VisitStatus.COMPLETED, arrived_at=at(6, 20, 9), completed_at=at(6, 20, 10))
    assert _repaired(client.get(june).get_data(as_text=True)) == _repaired(first)  # kept
    app.config["DASHBOARD_CACHE_SECONDS"] = 0  # kept no longer: computed again
    assert _repaired(client.get(june).get_data(as_text=True)) == _repaired(first) + 1


def _repaired(html: str) -> int:
    return int(re.search(r'<th scope="row">Visits completed</th><td>(\d+)</td>', html).group(1))
