"""The Reports page computed ahead: `flask refresh-reports` stores the preset periods, the page
shows a stored report while it is fresh (with the time it was computed), and computes the figures
itself for a stale one or another period."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import DashboardSnapshot, Role
from fieldapp.orm import utcnow
from fieldapp.services import dashboard, dashboard_cache


def test_a_stored_report_reads_back_as_the_same_figures(new_app):
    app = new_app(template="demo")
    with app.app_context():
        period = dashboard.preset("last_12_months", clock.today())
        computed = dashboard.report(period)
        assert computed.technicians and computed.trend  # the demo has figures to store
        assert dashboard_cache.decode(json.loads(json.dumps(dashboard_cache.encode(computed)))) == computed


def test_the_page_shows_the_stored_report_while_it_is_fresh(new_app):
    app = new_app(template="demo", DASHBOARD_CACHE_SECONDS=0)
    runner, client = app.test_cli_runner(), app.test_client()
    result = runner.invoke(args=["refresh-reports"])
    assert result.exit_code == 0 and "Stored 3 report(s)" in result.output
    assert "Stored 0 report(s)" in runner.invoke(args=["refresh-reports"]).output  # none due again yet
    assert client.post("/login", data={"email": "dispatcher@demo.test", "password": "fieldapp-demo"}).status_code == 303

    with app.app_context():
        today = clock.today()
        period = dashboard.preset("last_30_days", today)
        row = db.session.get(DashboardSnapshot, (period.first, period.last))
        # Mark the stored figures so they are told apart from computed ones.
        data = json.loads(row.data)
        data["first_time_fix"]["current_n"] = 98765
        row.data = json.dumps(data)
        db.session.commit()
        stamp = clock.local(row.computed_at).strftime("%H:%M")

    page = client.get("/dashboard/").get_data(as_text=True)
    assert "<td>98765</td>" in page and f"Figures as of {stamp}" in page  # the stored report, and when it was computed

    with app.app_context():  # past the time it is shown: the page computes the figures itself
        db.session.get(DashboardSnapshot, (period.first, period.last)).good_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "98765" not in page and "Cases resolved with a visit" in page


def test_refreshing_forgets_the_periods_of_earlier_days(app, runner, make):
    make.user(Role.DISPATCHER)
    with app.app_context():
        old = dashboard.preset("last_30_days", clock.today() - timedelta(days=1))
        db.session.add(DashboardSnapshot(first_day=old.first, last_day=old.last, computed_at=utcnow(),
                                         good_until=utcnow() + timedelta(hours=1), data="{}"))
        db.session.commit()
    assert runner.invoke(args=["refresh-reports"]).exit_code == 0
    with app.app_context():
        kept = db.session.execute(select(DashboardSnapshot.last_day)).scalars().all()
    assert kept and all(day == clock_today(app) for day in kept)


def clock_today(app):
    with app.app_context():
        return clock.today()
