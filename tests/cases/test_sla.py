"""Service-target clocks on their edges: exactly on target, pauses while waiting for the customer,
reopening, a contract's own targets, and time zones (DST; the contract's first day)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from fieldapp.extensions import db
from fieldapp.models import Asset, Case, CaseEvent, CaseStatus as S, Channel, CoverageKind, Priority, Role
from fieldapp.services import settings, sla
from fieldapp.services.settings import Target
from fieldapp.services.sla import ClockState

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
TARGETS = {p: Target(4, 24) for p in Priority}
STAFF = 7  # a user id: events by staff count as a response


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def a_case(*changes, status=None, priority=Priority.NORMAL, created=T0, first_response=None) -> Case:
    """A case opened at `created` whose timeline holds `changes`: (hours after T0, to_status[, user])."""
    case = Case(number="C-1", channel=Channel.EMAIL, description="x", priority=priority, created_at=created,
                status=S.NEW, first_response_at=first_response)
    case.events.append(CaseEvent(id=1, kind="opened", at=created, to_status=S.NEW))
    for n, (at, to, *user) in enumerate(changes, start=2):
        case.events.append(CaseEvent(id=n, kind="status", at=hours(at), to_status=to,
                                     user_id=user[0] if user else STAFF))
        case.status = to
    if status:
        case.status = status
    if case.status in sla.STOPPED:
        case.resolved_at = max(e.at for e in case.events if e.to_status in sla.STOPPED)
    return case


def test_a_response_exactly_on_target_is_met_and_a_minute_later_is_breached(app):
    on_time = sla.clocks(a_case((4, S.ASSESSING)), now=hours(10), by_priority=TARGETS)
    late = sla.clocks(a_case((4 + 1 / 60, S.ASSESSING)), now=hours(10), by_priority=TARGETS)
    assert on_time.response.state is ClockState.MET
    assert late.response.state is ClockState.BREACHED
    assert on_time.response.stopped_at == hours(4)


def test_an_unanswered_case_is_on_track_then_at_risk_then_breached(app):
    case = a_case()
    assert sla.clocks(case, now=hours(2), by_priority=TARGETS).response.state is ClockState.RUNNING
    assert sla.clocks(case, now=hours(2), by_priority=TARGETS).response.due_at == hours(4)
    assert sla.clocks(case, now=hours(3), by_priority=TARGETS).response.state is ClockState.AT_RISK
    breached = sla.clocks(case, now=hours(5), by_priority=TARGETS)
    assert breached.response.state is ClockState.BREACHED
    assert breached.worst is ClockState.BREACHED


def test_automatic_events_are_not_a_response(app):
    case = a_case((1, S.ASSESSING, None))
    assert sla.clocks(case, now=hours(5), by_priority=TARGETS).response.state is ClockState.BREACHED


def test_waiting_for_the_customer_stops_the_resolution_clock(app):
    # 2 h working, 30 h waiting for the customer, then 20 h more: 22 h of 24 used.
    case = a_case((2, S.WAITING_CUSTOMER), (32, S.ASSESSING))
    clock = sla.clocks(case, now=hours(52), by_priority=TARGETS).resolution
    assert clock.elapsed == timedelta(hours=22)
    assert clock.state is ClockState.AT_RISK
    assert clock.due_at == hours(54)


def test_a_paused_clock_says_so_and_has_no_due_time(app):
    case = a_case((2, S.WAITING_CUSTOMER))
    clock = sla.clocks(case, now=hours(100), by_priority=TARGETS).resolution
    assert clock.state is ClockState.PAUSED
    assert clock.elapsed == timedelta(hours=2)
    assert clock.due_at is None


def test_resolution_stops_when_resolved_and_runs_again_when_reopened(app):
    resolved = a_case((1, S.ASSESSING), (10, S.RESOLVED))
    clock = sla.clocks(resolved, now=hours(500), by_priority=TARGETS).resolution
    assert (clock.state, clock.elapsed) == (ClockState.MET, timedelta(hours=10))
    reopened = a_case((1, S.ASSESSING), (10, S.RESOLVED), (100, S.REOPENED))
    clock = sla.clocks(reopened, now=hours(115), by_priority=TARGETS).resolution
    assert clock.elapsed == timedelta(hours=25)  # 10 before, 15 since reopening; the 90 resolved don't count
    assert clock.state is ClockState.BREACHED


def test_a_cancelled_case_has_no_clocks(app):
    assert sla.clocks(a_case((1, S.CANCELLED)), now=hours(99), by_priority=TARGETS) is None


def test_a_request_taken_on_the_phone_is_answered_as_it_is_taken(app):
    case = a_case(first_response=T0)
    assert sla.clocks(case, now=hours(9), by_priority=TARGETS).response.state is ClockState.MET


def test_targets_count_elapsed_hours_across_a_daylight_saving_change(app):
    # Amsterdam moves its clocks forward at 01:00 UTC on 29 March 2026: a 24 h target is 24 real hours.
    created = datetime(2026, 3, 28, 22, 0, tzinfo=timezone.utc)
    case = a_case(created=created)
    clock = sla.clocks(case, now=created + timedelta(hours=1), by_priority=TARGETS).resolution
    assert clock.due_at == created + timedelta(hours=24)


def test_priority_chooses_the_company_target(app):
    with app.app_context():
        settings.set_target(Priority.URGENT, 1, 8)
        db.session.commit()
        urgent = a_case(priority=Priority.URGENT)
        clocks = sla.clocks(urgent, now=hours(0.5))
        assert clocks.response.target == timedelta(hours=1)
        assert clocks.resolution.target == timedelta(hours=8)
        assert clocks.source == "Urgent priority"
        assert sla.clocks(a_case(priority=Priority.LOW), now=hours(0.5)).response.target == timedelta(hours=24)


@pytest.mark.parametrize("created, applies", [
    (datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc), True),  # 00:30 on 1 December in Amsterdam
    (datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc), True),   # local midnight
    (datetime(2026, 11, 30, 22, 59, tzinfo=timezone.utc), False),  # 23:59 on 30 November in Amsterdam
])
def test_a_contract_promises_its_own_targets_from_its_first_day_in_the_company_time_zone(app, make, created, applies):
    asset = make.asset(warranty=False)
    make.coverage(asset, kind=CoverageKind.SERVICE_CONTRACT, starts_on=date(2026, 12, 1), ends_on=date(2027, 11, 30),
                  reference="CARE-9", response_hours=2, resolution_hours=12)
    with app.app_context():
        case = a_case(created=created)
        case.asset = db.session.get(Asset, asset.id)
        clocks = sla.clocks(case, now=created + timedelta(minutes=5), by_priority=TARGETS)
        assert (clocks.source == "Contract CARE-9") is applies
        assert clocks.response.target == timedelta(hours=2 if applies else 4)


def test_the_case_page_shows_both_clocks(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=S.NEW, priority=Priority.HIGH, created_at=datetime.now(timezone.utc) - timedelta(hours=5))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "First response" in page and "Resolution" in page
    assert "Breached" in page  # 5 h without an answer on a 4 h target
    assert "High priority" in page


def test_the_board_flags_breached_and_at_risk_cases(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    now = datetime.now(timezone.utc)
    late = make.case(status=S.NEW, priority=Priority.HIGH, created_at=now - timedelta(hours=5))
    risky = make.case(status=S.NEW, priority=Priority.HIGH, created_at=now - timedelta(hours=3, minutes=30))
    fine = make.case(status=S.NEW, priority=Priority.HIGH, created_at=now - timedelta(minutes=10))
    page = client.get("/dispatch/").get_data(as_text=True)
    rows = {c.number: page.split(c.number, 1)[1].split("</tr>", 1)[0] for c in (late, risky, fine)}
    assert "Target breached" in rows[late.number]
    assert "At risk" in rows[risky.number]
    assert "Target breached" not in rows[fine.number] and "At risk" not in rows[fine.number]
