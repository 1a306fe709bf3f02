"""The dispatcher's desk: booking visits without double-booking a technician, moving, handing
over and cancelling them, and telling a technician when the plan changed under them."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import AuditEvent, Case, CaseEvent, CaseStatus, Role, ServiceType, User, Visit, VisitStatus
from fieldapp.orm import utcnow
from fieldapp.services import booking


def at(app, hour, minute=0, days=2):
    """An aware time in the company's zone, `days` from the company's today."""
    with app.app_context():
        return clock.at_local(clock.today() + timedelta(days=days), hour, minute)


def get(model, row):
    return db.session.get(model, row.id)


def visit_count() -> int:
    return db.session.scalar(select(func.count(Visit.id)))


def events(case_id, kind):
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind).order_by(CaseEvent.id)))


@pytest.fixture
def tina(make):
    return make.user(Role.TECHNICIAN, name="Tina Tech")


@pytest.fixture
def dispatcher(make):
    return make.user(Role.DISPATCHER, name="Dana Desk")


def book(case, tech, by, start, window_end=None, minutes=60, override_reason=None):
    return booking.schedule_visit(get(Case, case), get(User, tech), start, window_end or start + timedelta(hours=2),
                                     ServiceType.REPAIR, minutes, " Ring twice ", get(User, by),
                                     override_reason=override_reason)


# --- conflicts ---------------------------------------------------------------------------------

def test_touching_visits_do_not_conflict(app, make, tina):
    make.visit(tina, start=at(app, 10), expected_minutes=60)
    with app.app_context():
        tech = get(User, tina)
        assert booking.conflicts(tech, at(app, 11), 60) == []  # starts as the other ends
        assert booking.conflicts(tech, at(app, 9), 60) == []  # ends as the other starts


def test_overlap_and_containment_conflict_in_start_order(app, make, tina):
    late = make.visit(tina, start=at(app, 13), expected_minutes=60)
    early = make.visit(tina, start=at(app, 10), expected_minutes=120)
    with app.app_context():
        tech = get(User, tina)
        assert [v.id for v in booking.conflicts(tech, at(app, 10, 30), 30)] == [early.id]  # inside it
        assert [v.id for v in booking.conflicts(tech, at(app, 9), 600)] == [early.id, late.id]  # around both
        assert [v.id for v in booking.conflicts(tech, at(app, 11, 59), 15)] == [early.id]  # its last minute


def test_a_long_visit_that_started_hours_earlier_still_blocks(app, make, tina):
    long = make.visit(tina, start=at(app, 2), expected_minutes=600)  # busy until 12:00
    with app.app_context():
        assert [v.id for v in booking.conflicts(get(User, tina), at(app, 11), 60)] == [long.id]
        assert booking.conflicts(get(User, tina), at(app, 12), 60) == []


@pytest.mark.parametrize("status, blocks", [
    (VisitStatus.SCHEDULED, True), (VisitStatus.TRAVELLING, True), (VisitStatus.ON_SITE, True),
    (VisitStatus.COMPLETED, False), (VisitStatus.NOT_COMPLETED, False), (VisitStatus.CANCELLED, False),
])
def test_only_visits_still_ahead_or_under_way_block(app, make, tina, status, blocks):
    make.visit(tina, start=at(app, 10), status=status)
    with app.app_context():
        assert bool(booking.conflicts(get(User, tina), at(app, 10), 60)) is blocks


def test_another_technicians_visit_and_the_ignored_visit_do_not_block(app, make, tina):
    make.visit(make.user(Role.TECHNICIAN), start=at(app, 10))
    own = make.visit(tina, start=at(app, 10))
    with app.app_context():
        visit = get(Visit, own)
        assert booking.conflicts(get(User, tina), at(app, 10), 60, ignore_visit=visit) == []


# --- booking -----------------------------------------------------------------------------------

def test_booking_creates_the_visit_and_schedules_the_case(app, make, tina, dispatcher):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    start = at(app, 13)
    with app.app_context():
        visit = book(case, tina, dispatcher, start, minutes=90)
        db.session.commit()
        visit = get(Visit, visit)
        assert (visit.technician_id, visit.scheduled_start, visit.expected_minutes) == (tina.id, start, 90)
        assert visit.scheduled_end == start + timedelta(hours=2)
        assert visit.notes_for_technician == "Ring twice"
        assert visit.labour_rate_cents == app.config["LABOUR_RATE_CENTS"]
        assert visit.case.status is CaseStatus.SCHEDULED
        [event] = events(case.id, "visit_scheduled")
        assert (event.from_status, event.to_status, event.user_id, event.visit_id) == (
            CaseStatus.VISIT_NEEDED, CaseStatus.SCHEDULED, dispatcher.id, visit.id)
        assert "Tina Tech" in event.note and "13:00–15:00" in event.note
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == visit.id)) == "visit.scheduled"


def test_a_clash_is_refused_naming_the_visit_and_nothing_is_saved(app, make, tina, dispatcher):
    other_case = make.case(number="C-2026-00012")
    clash = make.visit(tina, other_case, start=at(app, 13), expected_minutes=90)
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    with app.app_context():
        with pytest.raises(booking.ScheduleConflict) as refused:
            book(case, tina, dispatcher, at(app, 14))
        error = refused.value
        assert isinstance(error, DomainError) and (error.kind, error.field) == ("conflict", "start")
        assert "Overlaps C-2026-00012 13:00–14:30 for Tina Tech" in error.message
        assert [v.id for v in error.conflicts] == [clash.id]
        assert visit_count() == 1
        assert get(Case, case).status is CaseStatus.VISIT_NEEDED and events(case.id, "visit_scheduled") == []


def test_an_override_with_a_reason_books_anyway_and_the_reason_is_on_the_timeline(app, make, tina, dispatcher):
    make.visit(tina, make.case(number="C-2026-00012"), start=at(app, 13), expected_minutes=90)
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    with app.app_context():
        with pytest.raises(booking.ScheduleConflict):  # a blank reason is no reason
            book(case, tina, dispatcher, at(app, 14), override_reason="  ")
        book(case, tina, dispatcher, at(app, 14), override_reason="Customer only free then")
        db.session.commit()
        assert visit_count() == 2
        [event] = events(case.id, "visit_scheduled")
        assert "C-2026-00012" in event.note and "Customer only free then" in event.note


@pytest.mark.parametrize("change, field, message", [
    ({"tech": None}, "technician_id", "Choose an active technician."),
    ({"tech": "dispatcher"}, "technician_id", "Choose an active technician."),
    ({"tech": "inactive"}, "technician_id", "Choose an active technician."),
    ({"window_hours": 0}, "window_end", "The arrival window must end after it starts."),
    ({"minutes": 14}, "minutes", "The work must take between 15 minutes and 12 hours."),
    ({"minutes": 721}, "minutes", "The work must take between 15 minutes and 12 hours."),
    ({"hours_ago": 2}, "start", "The start is in the past."),
])
def test_each_invalid_field_is_named(app, make, tina, dispatcher, change, field, message):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    tech = {"dispatcher": dispatcher, "inactive": make.user(Role.TECHNICIAN, active=False), None: None}.get(
        change.get("tech", "tina"), tina)
    with app.app_context():
        start = at(app, 10)
        if "hours_ago" in change:
            start = utcnow() - timedelta(hours=change["hours_ago"])
        with pytest.raises(DomainError) as refused:
            booking.schedule_visit(get(Case, case), tech and get(User, tech), start,
                                      start + timedelta(hours=change.get("window_hours", 2)), ServiceType.REPAIR,
                                      change.get("minutes", 60), None, get(User, dispatcher))
        assert (refused.value.kind, refused.value.field, refused.value.message) == ("invalid", field, message)
        assert visit_count() == 0


def test_a_start_a_little_in_the_past_is_allowed(app, make, tina, dispatcher):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    with app.app_context():
        book(case, tina, dispatcher, utcnow() - timedelta(minutes=30))
        assert visit_count() == 1


def test_booking_on_a_closed_case_is_refused(app, make, tina, dispatcher):
    case = make.case(status=CaseStatus.CLOSED)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            book(case, tina, dispatcher, at(app, 10))
        assert refused.value.kind == "conflict" and "closed" in refused.value.message
        assert visit_count() == 0


# --- changes to a booked visit -----------------------------------------------------------------

def test_reschedule_moves_the_visit_bumps_the_version_and_says_why(app, make, tina, dispatcher):
    visit = make.visit(tina, start=at(app, 10), scheduled_end=at(app, 12))
    with app.app_context():
        # Half an hour later overlaps only its own old slot: no clash with itself.
        booking.reschedule(get(Visit, visit), at(app, 10, 30), at(app, 12, 30), 90, "Customer late",
                              get(User, dispatcher))
        db.session.commit()
        moved = get(Visit, visit)
        assert (moved.scheduled_start, moved.expected_minutes, moved.schedule_version) == (at(app, 10, 30), 90, 2)
        [event] = events(visit.case_id, "visit_rescheduled")
        assert "10:00–12:00 →" in event.note and "10:30–12:30" in event.note and "Customer late" in event.note
        assert (event.user_id, event.visit_id) == (dispatcher.id, visit.id)


def test_reschedule_needs_a_reason_and_a_free_slot(app, make, tina, dispatcher):
    make.visit(tina, start=at(app, 14))
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            booking.reschedule(get(Visit, visit), at(app, 11), at(app, 13), 60, " ", get(User, dispatcher))
        assert (refused.value.field, refused.value.message) == ("reason", "Give a reason.")
        with pytest.raises(booking.ScheduleConflict):
            booking.reschedule(get(Visit, visit), at(app, 14), at(app, 16), 60, "Asked", get(User, dispatcher))
        assert get(Visit, visit).schedule_version == 1


def test_reassign_hands_the_visit_over(app, make, tina, dispatcher):
    tom = make.user(Role.TECHNICIAN, name="Tom Tech")
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        booking.reassign(get(Visit, visit), get(User, tom), "Tina is ill", get(User, dispatcher))
        db.session.commit()
        handed = get(Visit, visit)
        assert (handed.technician_id, handed.schedule_version) == (tom.id, 2)
        [event] = events(visit.case_id, "visit_reassigned")
        assert event.note.startswith("Tina Tech → Tom Tech") and "Tina is ill" in event.note
        assert booking.was_reassigned_from(get(User, tina), visit.id)
        assert not booking.was_reassigned_from(get(User, tom), visit.id)


def test_reassign_refuses_the_same_technician_and_a_clash(app, make, tina, dispatcher):
    tom = make.user(Role.TECHNICIAN, name="Tom Tech")
    make.visit(tom, start=at(app, 10, 30))
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            booking.reassign(get(Visit, visit), get(User, tina), "Why not", get(User, dispatcher))
        assert refused.value.field == "technician_id"
        with pytest.raises(booking.ScheduleConflict) as clash:
            booking.reassign(get(Visit, visit), get(User, tom), "Tina is ill", get(User, dispatcher))
        assert "for Tom Tech" in clash.value.message
        assert get(Visit, visit).technician_id == tina.id


def test_a_visit_given_back_was_not_taken(app, make, tina, dispatcher):
    tom = make.user(Role.TECHNICIAN)
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        booking.reassign(get(Visit, visit), get(User, tom), "Tina is ill", get(User, dispatcher))
        booking.reassign(get(Visit, visit), get(User, tina), "Tina is back", get(User, dispatcher))
        db.session.commit()
        assert not booking.was_reassigned_from(get(User, tina), visit.id)
        assert booking.was_reassigned_from(get(User, tom), visit.id)
        assert not booking.was_reassigned_from(get(User, tina), visit.id + 1)


def test_cancelling_the_last_open_visit_puts_the_case_back_in_the_queue(app, make, tina, dispatcher):
    visit = make.visit(tina, make.case(status=CaseStatus.SCHEDULED), start=at(app, 10))
    with app.app_context():
        booking.cancel(get(Visit, visit), "Customer fixed it", get(User, dispatcher))
        db.session.commit()
        cancelled = get(Visit, visit)
        assert (cancelled.status, cancelled.schedule_version) == (VisitStatus.CANCELLED, 2)
        assert cancelled.case.status is CaseStatus.VISIT_NEEDED
        [event] = events(visit.case_id, "visit_cancelled")
        assert (event.from_status, event.to_status) == (CaseStatus.SCHEDULED, CaseStatus.VISIT_NEEDED)
        assert "Customer fixed it" in event.note


def test_cancelling_one_of_two_visits_keeps_the_case_scheduled(app, make, tina, dispatcher):
    case = make.case(status=CaseStatus.SCHEDULED)
    visit = make.visit(tina, case, start=at(app, 10))
    make.visit(tina, case, start=at(app, 14))
    with app.app_context():
        booking.cancel(get(Visit, visit), "Not needed twice", get(User, dispatcher))
        db.session.commit()
        assert get(Case, case).status is CaseStatus.SCHEDULED
        [event] = events(case.id, "visit_cancelled")
        assert event.to_status is None


def test_cancel_needs_a_reason(app, make, tina, dispatcher):
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            booking.cancel(get(Visit, visit), "", get(User, dispatcher))
        assert refused.value.field == "reason" and get(Visit, visit).status is VisitStatus.SCHEDULED


@pytest.mark.parametrize("action", ["cancel", "reschedule", "reassign"])
def test_a_visit_on_site_cannot_be_changed_by_the_office(app, make, tina, dispatcher, action):
    visit = make.visit(tina, start=at(app, 10, days=0), status=VisitStatus.ON_SITE)
    other = make.user(Role.TECHNICIAN)
    with app.app_context():
        row, by = get(Visit, visit), get(User, dispatcher)
        calls = {
            "cancel": lambda: booking.cancel(row, "Too late", by),
            "reschedule": lambda: booking.reschedule(row, at(app, 10), at(app, 12), 60, "Later", by),
            "reassign": lambda: booking.reassign(row, get(User, other), "Swap", by),
        }
        with pytest.raises(DomainError) as refused:
            calls[action]()
        assert refused.value.kind == "conflict"
        assert refused.value.message.startswith("This visit has already started (on site)")
        assert (row.status, row.schedule_version) == (VisitStatus.ON_SITE, 1)


def test_a_travelling_visit_can_still_be_cancelled(app, make, tina, dispatcher):
    visit = make.visit(tina, start=at(app, 10), status=VisitStatus.TRAVELLING)
    with app.app_context():
        booking.cancel(get(Visit, visit), "Customer not home", get(User, dispatcher))
        assert get(Visit, visit).status is VisitStatus.CANCELLED


# --- the technician's view of a changed plan ---------------------------------------------------

def test_check_version_passes_on_the_current_plan(app, make, tina):
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        booking.check_version(get(Visit, visit), 1)


def test_check_version_says_where_the_visit_was_moved(app, make, tina, dispatcher):
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        booking.reschedule(get(Visit, visit), at(app, 14), at(app, 16), 60, "Asked", get(User, dispatcher))
        db.session.commit()
        new = at(app, 14)
        with pytest.raises(DomainError) as refused:
            booking.check_version(get(Visit, visit), 1)
        assert refused.value.kind == "conflict"
        assert refused.value.message == (f"The office rescheduled this visit to {new:%a} {new.day} {new:%b} 14:00 "
                                         "while you had it open. Reload to see the new plan.")


@pytest.mark.parametrize("action, says", [("reassign", "reassigned this visit to Tom Tech"),
                                          ("cancel", "cancelled this visit")])
def test_check_version_says_what_changed(app, make, tina, dispatcher, action, says):
    tom = make.user(Role.TECHNICIAN, name="Tom Tech")
    visit = make.visit(tina, start=at(app, 10))
    with app.app_context():
        if action == "reassign":
            booking.reassign(get(Visit, visit), get(User, tom), "Swap", get(User, dispatcher))
        else:
            booking.cancel(get(Visit, visit), "Not needed", get(User, dispatcher))
        db.session.commit()
        with pytest.raises(DomainError) as refused:
            booking.check_version(get(Visit, visit), 1)
        assert refused.value.message == f"The office {says} while you had it open. Reload to see the new plan."
