"""A visit planned for another day is started only when the technician confirms it: a tap on
tomorrow's card must not send a customer the "on my way" of a visit they expect tomorrow."""
from datetime import datetime, timedelta, timezone

import pytest

from fieldapp import clock
from fieldapp.models import Role, VisitStatus
from tests.visits.test_visits import load, step


@pytest.fixture
def tech(auth):
    return auth.as_role(Role.TECHNICIAN)


def planned(app, make, tech, days: int, status=VisitStatus.SCHEDULED, **kw):
    with app.app_context():
        start = clock.at_local(clock.today() + timedelta(days=days), 10)
    return make.visit(tech, start=start, status=status, **kw)


@pytest.mark.parametrize("days", [1, -1, 30])
@pytest.mark.parametrize("name", ["start-travel", "arrive"])
def test_a_step_on_another_day_asks_for_a_tick_and_changes_nothing_without_it(app, client, make, tech, days, name):
    visit = planned(app, make, tech, days)
    with app.app_context():
        day = clock.day_text(clock.today() + timedelta(days=days))

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f"Planned for {day}: I am doing it today" in page
    assert 'name="other_day" value="y" required' in page

    refused = step(client, visit, name)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"This visit is planned for {day}, not today" in html
    assert load(app, visit.id).status is VisitStatus.SCHEDULED

    done = step(client, visit, name, other_day="y")
    assert done.status_code == 303
    assert load(app, visit.id).status in (VisitStatus.TRAVELLING, VisitStatus.ON_SITE)


def test_todays_visit_needs_no_tick(app, client, make, tech):
    visit = planned(app, make, tech, 0)
    assert "I am doing it today" not in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert step(client, visit, "start-travel").status_code == 303
    assert load(app, visit.id).status is VisitStatus.TRAVELLING


def test_once_under_way_the_next_steps_ask_nothing(app, client, make, tech):
    """Travel started (and confirmed) yesterday evening: arriving after midnight is not questioned."""
    visit = planned(app, make, tech, 1, status=VisitStatus.TRAVELLING,
                    travel_started_at=datetime.now(timezone.utc) - timedelta(minutes=20))
    assert "I am doing it today" not in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert step(client, visit, "arrive").status_code == 303


def test_a_step_queued_offline_on_the_planned_day_is_accepted_when_it_arrives_later(app, client, make, tech):
    """Yesterday's visit, done without signal yesterday, synced this morning: its day is the day it
    happened, not the day it reached the server."""
    visit = planned(app, make, tech, -1, created_at=datetime.now(timezone.utc) - timedelta(days=3))
    with app.app_context():
        yesterday_noon = clock.at_local(clock.today() - timedelta(days=1), 12)
    response = step(client, visit, "start-travel", happened_at=yesterday_noon.isoformat())
    assert response.status_code == 303
    assert load(app, visit.id).status is VisitStatus.TRAVELLING
