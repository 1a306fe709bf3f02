"""Booking visits: booking, moving, handing over to another technician and cancelling, with the
technician's diary checked for clashes. Case statuses move only through services.lifecycle."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    AuditEvent, Case, CaseEvent, CaseType, Role, ServiceType, User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import audit, lifecycle

MIN_MINUTES, MAX_MINUTES = 15, 12 * 60
# Visits in these states still hold the technician's time; finished ones free it.
BUSY = (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING, VisitStatus.ON_SITE)
CHANGES = ("visit_rescheduled", "visit_reassigned", "visit_cancelled")
# The service type a new visit starts with, from what the case is about.
SERVICE_FOR_CASE = {CaseType.INSTALLATION: ServiceType.INSTALLATION, CaseType.MAINTENANCE: ServiceType.MAINTENANCE,
                    CaseType.QUESTION: ServiceType.TROUBLESHOOTING}
QUICK_WINDOW = timedelta(hours=2)  # booked from the board: a two-hour window, an hour's work


def default_service(case: Case) -> ServiceType:
    return SERVICE_FOR_CASE.get(case.case_type, ServiceType.REPAIR)


def technician_or_none(user_id: int | None) -> User | None:
    """The active technician with this id, or None (a booking then says: choose a technician)."""
    user = db.session.get(User, user_id) if user_id else None
    return user if user is not None and user.role is Role.TECHNICIAN and user.active else None


class ScheduleConflict(DomainError):
    """A clash in the technician's diary; `conflicts` holds the visits it clashes with."""

    def __init__(self, message: str, conflicts: list[Visit]):
        super().__init__(message, field="start", kind="conflict")
        self.conflicts = conflicts


def conflicts(technician: User, start: datetime, minutes: int, ignore_visit: Visit | None = None) -> list[Visit]:
    """The technician's busy visits whose [start, start + expected_minutes) overlaps ours."""
    end = start + timedelta(minutes=minutes)
    query = (
        select(Visit).options(joinedload(Visit.case))
        .where(Visit.technician_id == technician.id, Visit.status.in_(BUSY),
               # No interval arithmetic in SQL (it differs per database): no visit lasts longer
               # than MAX_MINUTES, so only these can overlap; the exact test is below.
               Visit.scheduled_start < end, Visit.scheduled_start > start - timedelta(minutes=MAX_MINUTES))
        .order_by(Visit.scheduled_start, Visit.id)
    )
    if ignore_visit is not None:
        query = query.where(Visit.id != ignore_visit.id)
    return [v for v in db.session.scalars(query) if _busy_until(v) > start]


def schedule_visit(case: Case, technician: User | None, start: datetime, window_end: datetime,
                   service_type: ServiceType, minutes: int, notes: str | None, by: User,
                   override_reason: str | None = None) -> Visit:
    if not case.status.is_open:
        raise DomainError(f"This case is {case.status.label.lower()}: reopen it before booking a visit.")
    _validate(technician=technician, start=start, window_end=window_end, minutes=minutes)
    override = _check_free(technician, start, minutes, override_reason)
    visit = Visit(case=case, technician=technician, scheduled_start=start, scheduled_end=window_end,
                  expected_minutes=minutes, service_type=service_type,
                  notes_for_technician=(notes or "").strip() or None)
    db.session.add(visit)
    db.session.flush()
    note = f"{technician.name}, {_window(start, window_end)}{override}"
    lifecycle.follow_visits(case, "visit_scheduled", note, user=by, visit=visit)
    audit.record("visit.scheduled", visit, {"technician": technician.id, "start": start.isoformat(),
                                            "override": bool(override)}, user=by)
    return visit


def quick_book(case: Case, technician: User | None, start: datetime | None, by: User) -> Visit:
    """Booked from the board's queue: a two-hour window and an hour's work from `start`."""
    window_end = start + QUICK_WINDOW if start else None
    return schedule_visit(case, technician, start, window_end, default_service(case), 60, None, by)


def reschedule(visit: Visit, start: datetime, window_end: datetime, minutes: int, reason: str, by: User,
               override_reason: str | None = None) -> None:
    require_changeable(visit, "rescheduled")
    _validate(start=start, window_end=window_end, minutes=minutes, reason=reason)
    if (start, window_end, minutes) == (visit.scheduled_start, visit.scheduled_end, visit.expected_minutes):
        raise DomainError("That is the visit's current time.", field="start", kind="invalid")
    override = _check_free(visit.technician, start, minutes, override_reason, ignore_visit=visit)
    before = _window(visit.scheduled_start, visit.scheduled_end)
    visit.scheduled_start, visit.scheduled_end, visit.expected_minutes = start, window_end, minutes
    visit.schedule_version += 1
    note = f"{before} → {_window(start, window_end)}. Reason: {reason.strip()}{override}"
    lifecycle.record(visit.case, "visit_rescheduled", note, user=by, visit=visit)
    audit.record("visit.rescheduled", visit, {"start": start.isoformat(), "minutes": minutes}, user=by)


def reassign(visit: Visit, technician: User | None, reason: str, by: User, override_reason: str | None = None) -> None:
    require_changeable(visit, "reassigned")
    _validate(technician=technician, reason=reason)
    if technician.id == visit.technician_id:
        raise DomainError(f"{technician.name} already has this visit.", field="technician_id", kind="invalid")
    override = _check_free(technician, visit.scheduled_start, visit.expected_minutes, override_reason)
    previous = visit.technician
    visit.technician = technician
    visit.schedule_version += 1
    note = f"{previous.name} → {technician.name}. Reason: {reason.strip()}{override}"
    lifecycle.record(visit.case, "visit_reassigned", note, user=by, visit=visit)
    # was_reassigned_from reads this: the case event's note is text, the audit details are data.
    audit.record("visit.reassigned", visit, {"from": previous.id, "to": technician.id}, user=by)


def cancel(visit: Visit, reason: str, by: User) -> None:
    require_changeable(visit, "cancelled")
    _validate(reason=reason)
    visit.status = VisitStatus.CANCELLED
    visit.schedule_version += 1
    note = f"{visit.technician.name}, {_window(visit.scheduled_start, visit.scheduled_end)}. Reason: {reason.strip()}"
    # What is left decides: another visit still planned, one that resolved it, or the queue.
    lifecycle.follow_visits(visit.case, "visit_cancelled", note, user=by, visit=visit)
    audit.record("visit.cancelled", visit, {"reason": reason.strip()}, user=by)


def check_version(visit: Visit, seen_version: int | None) -> None:
    """Refuse a technician's write drawn on an older plan than the office's current one."""
    if visit.schedule_version == seen_version:
        return
    kind = db.session.scalar(
        select(CaseEvent.kind).where(CaseEvent.visit_id == visit.id, CaseEvent.kind.in_(CHANGES))
        .order_by(CaseEvent.id.desc()).limit(1))
    change = {
        "visit_rescheduled": f"rescheduled this visit to {_when(visit.scheduled_start)}",
        "visit_reassigned": f"reassigned this visit to {visit.technician.name}",
        "visit_cancelled": "cancelled this visit",
    }.get(kind, "changed this visit")
    raise DomainError(f"The office {change} while you had it open. Reload to see the new plan.")


def was_reassigned_from(user: User, visit_id: int) -> bool:
    """True when the visit was taken from `user` (and not given back since)."""
    moves = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "visit.reassigned",
                                         AuditEvent.entity_type == Visit.__tablename__,
                                         AuditEvent.entity_id == visit_id)
        .order_by(AuditEvent.id))
    taken = False
    for details in moves:  # a handful of rows; JSON lookups differ per database, so read in Python
        if details.get("from") == user.id:
            taken = True
        elif details.get("to") == user.id:
            taken = False
    return taken


def _validate(*, technician: User | None | bool = False, start: datetime | None = None,
              window_end: datetime | None = None, minutes: int | None | bool = False,
              reason: str | None | bool = False) -> None:
    """Check the given fields (False: not part of this change); every problem at once."""
    errors = {}
    if technician is not False and (technician is None or technician.role is not Role.TECHNICIAN
                                    or not technician.active):
        errors["technician_id"] = "Choose an active technician."
    if start is not None and start < utcnow() - timedelta(hours=1):
        errors["start"] = "The start is in the past."
    if window_end is not None and start is not None and window_end <= start:
        errors["window_end"] = "The arrival window must end after it starts."
    if minutes is not False and not (isinstance(minutes, int) and MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors["minutes"] = f"The work must take between {MIN_MINUTES} minutes and {MAX_MINUTES // 60} hours."
    if reason is not False and not (reason or "").strip():
        errors["reason"] = "Give a reason."
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field, kind="invalid", errors=errors)


def _check_free(technician: User, start: datetime, minutes: int, override_reason: str | None,
                ignore_visit: Visit | None = None) -> str:
    """Refuse a clash unless overridden; return the note the timeline gets for an override."""
    # Lock the technician's row (PostgreSQL; SQLite has one writer anyway) so two dispatchers
    # cannot both see a free slot and book it at the same time.
    db.session.execute(select(User.id).where(User.id == technician.id).with_for_update())
    found = conflicts(technician, start, minutes, ignore_visit)
    if not found:
        return ""
    clashes = ", ".join(f"{v.case.number} {_span(v, start)}" for v in found)
    if (override_reason or "").strip():
        return f". Booked over {clashes}: {override_reason.strip()}"
    raise ScheduleConflict(f"Overlaps {clashes} for {technician.name}. Give a reason to book it anyway.", found)


# What each change of a booked visit needs it to be still.
CHANGEABLE_WHEN = {"rescheduled": (VisitStatus.SCHEDULED,), "reassigned": (VisitStatus.SCHEDULED,),
                   "cancelled": (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)}


def require_changeable(visit: Visit, done: str) -> None:
    """Refuse a change of a visit that moved on meanwhile (started, finished, cancelled): a
    conflict with what someone else did, whatever the form said."""
    if visit.status not in CHANGEABLE_WHEN[done]:
        stage = "finished" if visit.status.is_finished else "started"
        raise DomainError(f"This visit has already {stage} ({visit.status.label.lower()}): "
                          f"it can no longer be {done}. Nothing was changed.", kind="conflict")


def _busy_until(visit: Visit) -> datetime:
    return visit.scheduled_start + timedelta(minutes=visit.expected_minutes)


def _day(moment: datetime) -> str:
    local = clock.local(moment)
    return f"{local:%a} {local.day} {local:%b}"  # Tue 24 Nov


def _when(moment: datetime) -> str:
    return f"{_day(moment)} {clock.local(moment):%H:%M}"


def _window(start: datetime, end: datetime) -> str:
    if clock.local(start).date() == clock.local(end).date():
        return f"{_when(start)}–{clock.local(end):%H:%M}"
    return f"{_when(start)} – {_when(end)}"


def _span(visit: Visit, near: datetime) -> str:
    """A clashing visit's busy time, with its day only when it is not the requested one."""
    start, end = clock.local(visit.scheduled_start), clock.local(_busy_until(visit))
    text = f"{start:%H:%M}–{end:%H:%M}"
    return text if start.date() == clock.local(near).date() else f"{_day(start)} {text}"
