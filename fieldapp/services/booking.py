"""Booking visits: booking, moving, handing over to another technician and cancelling, with the
technician's diary checked for clashes. Case statuses move only through services.lifecycle."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock, formats
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
        raise DomainError(_("This case is %(status)s: reopen it before booking a visit.",
                            status=lifecycle.in_a_sentence(case.status)))
    _validate(technician=technician, start=start, window_end=window_end, minutes=minutes)
    clashes = _check_free(technician, start, minutes, override_reason)
    visit = Visit(case=case, technician=technician, scheduled_start=start, scheduled_end=window_end,
                  expected_minutes=minutes, service_type=service_type,
                  notes_for_technician=(notes or "").strip() or None)
    db.session.add(visit)
    db.session.flush()
    with lifecycle.for_the_record():
        if clashes:
            note = _("%(technician)s, %(window)s. Booked over %(clashes)s: %(reason)s", technician=technician.name,
                     window=_window(start, window_end), clashes=clashes, reason=override_reason.strip())
        else:
            note = _("%(technician)s, %(window)s", technician=technician.name, window=_window(start, window_end))
    lifecycle.follow_visits(case, "visit_scheduled", note, user=by, visit=visit)
    audit.record("visit.scheduled", visit, {"technician": technician.id, "start": start.isoformat(),
                                            "override": bool(clashes)}, user=by)
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
        raise DomainError(_("That is the visit's current time."), field="start", kind="invalid")
    clashes = _check_free(visit.technician, start, minutes, override_reason, ignore_visit=visit)
    with lifecycle.for_the_record():
        note = _change_note(_window(visit.scheduled_start, visit.scheduled_end), _window(start, window_end), reason,
                            clashes, override_reason)
    visit.scheduled_start, visit.scheduled_end, visit.expected_minutes = start, window_end, minutes
    visit.schedule_version += 1
    lifecycle.record(visit.case, "visit_rescheduled", note, user=by, visit=visit)
    audit.record("visit.rescheduled", visit, {"start": start.isoformat(), "minutes": minutes}, user=by)


def reassign(visit: Visit, technician: User | None, reason: str, by: User, override_reason: str | None = None) -> None:
    require_changeable(visit, "reassigned")
    _validate(technician=technician, reason=reason)
    if technician.id == visit.technician_id:
        raise DomainError(_("%(name)s already has this visit.", name=technician.name), field="technician_id",
                          kind="invalid")
    clashes = _check_free(technician, visit.scheduled_start, visit.expected_minutes, override_reason)
    previous = visit.technician
    visit.technician = technician
    visit.schedule_version += 1
    with lifecycle.for_the_record():
        note = _change_note(previous.name, technician.name, reason, clashes, override_reason)
    lifecycle.record(visit.case, "visit_reassigned", note, user=by, visit=visit)
    # was_reassigned_from reads this: the case event's note is text, the audit details are data.
    audit.record("visit.reassigned", visit, {"from": previous.id, "to": technician.id}, user=by)


def cancel(visit: Visit, reason: str, by: User) -> None:
    require_changeable(visit, "cancelled")
    _validate(reason=reason)
    visit.status = VisitStatus.CANCELLED
    visit.schedule_version += 1
    with lifecycle.for_the_record():
        note = _("%(technician)s, %(window)s. Reason: %(reason)s", technician=visit.technician.name,
                 window=_window(visit.scheduled_start, visit.scheduled_end), reason=reason.strip())
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
    if kind == "visit_rescheduled":
        message = _("The office rescheduled this visit to %(when)s while you had it open. Reload to see the new "
                    "plan.", when=_when(visit.scheduled_start))
    elif kind == "visit_reassigned":
        message = _("The office reassigned this visit to %(name)s while you had it open. Reload to see the new plan.",
                    name=visit.technician.name)
    elif kind == "visit_cancelled":
        message = _("The office cancelled this visit while you had it open. Reload to see the new plan.")
    else:
        message = _("The office changed this visit while you had it open. Reload to see the new plan.")
    raise DomainError(message)


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
        errors["technician_id"] = _("Choose an active technician.")
    if start is not None and start < utcnow() - timedelta(hours=1):
        errors["start"] = _("The start is in the past.")
    if window_end is not None and start is not None and window_end <= start:
        errors["window_end"] = _("The arrival window must end after it starts.")
    if minutes is not False and not (isinstance(minutes, int) and MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors["minutes"] = _("The work must take between %(least)s minutes and %(most)s hours.", least=MIN_MINUTES,
                              most=MAX_MINUTES // 60)
    if reason is not False and not (reason or "").strip():
        errors["reason"] = _("Give a reason.")
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field, kind="invalid", errors=errors)


def _check_free(technician: User, start: datetime, minutes: int, override_reason: str | None,
                ignore_visit: Visit | None = None) -> str | None:
    """Refuse a clash unless overridden; return the clashes booked over (for the timeline), if any."""
    # Lock the technician's row (PostgreSQL; SQLite has one writer anyway) so two dispatchers
    # cannot both see a free slot and book it at the same time.
    db.session.execute(select(User.id).where(User.id == technician.id).with_for_update())
    found = conflicts(technician, start, minutes, ignore_visit)
    if not found:
        return None
    if (override_reason or "").strip():
        with lifecycle.for_the_record():
            return _clashes(found, start)
    raise ScheduleConflict(_("Overlaps %(clashes)s for %(technician)s. Give a reason to book it anyway.",
                             clashes=_clashes(found, start), technician=technician.name), found)


def _clashes(found: list[Visit], near: datetime) -> str:
    return ", ".join(f"{v.case.number} {_span(v, near)}" for v in found)


def _change_note(before: str, after: str, reason: str, clashes: str | None, override_reason: str | None) -> str:
    """A move or a hand-over on the timeline: from, to, why, and the clashes booked over."""
    if clashes:
        return _("%(before)s → %(after)s. Reason: %(reason)s. Booked over %(clashes)s: %(override)s", before=before,
                 after=after, reason=reason.strip(), clashes=clashes, override=override_reason.strip())
    return _("%(before)s → %(after)s. Reason: %(reason)s", before=before, after=after, reason=reason.strip())


# What each change of a booked visit needs it to be still.
CHANGEABLE_WHEN = {"rescheduled": (VisitStatus.SCHEDULED,), "reassigned": (VisitStatus.SCHEDULED,),
                   "cancelled": (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)}


def require_changeable(visit: Visit, done: str) -> None:
    """Refuse a change of a visit that moved on meanwhile (started, finished, cancelled): a
    conflict with what someone else did, whatever the form said."""
    if visit.status not in CHANGEABLE_WHEN[done]:
        raise DomainError(_too_late(visit, done), kind="conflict")


# A visit's status in the middle of a sentence: "This visit has already started (travelling)".
VISIT_IN_A_SENTENCE = {
    VisitStatus.SCHEDULED: _l("scheduled"),
    VisitStatus.TRAVELLING: _l("travelling"),
    VisitStatus.ON_SITE: _l("on site"),
    VisitStatus.COMPLETED: _l("completed"),
    VisitStatus.NOT_COMPLETED: _l("could not complete"),
    VisitStatus.CANCELLED: _l("cancelled"),
}


def _too_late(visit: Visit, done: str) -> str:
    status = str(VISIT_IN_A_SENTENCE[visit.status])
    if visit.status.is_finished:
        if done == "rescheduled":
            return _("This visit has already finished (%(status)s): it can no longer be rescheduled. Nothing was "
                     "changed.", status=status)
        if done == "reassigned":
            return _("This visit has already finished (%(status)s): it can no longer be reassigned. Nothing was "
                     "changed.", status=status)
        return _("This visit has already finished (%(status)s): it can no longer be cancelled. Nothing was changed.",
                 status=status)
    if done == "rescheduled":
        return _("This visit has already started (%(status)s): it can no longer be rescheduled. Nothing was changed.",
                 status=status)
    if done == "reassigned":
        return _("This visit has already started (%(status)s): it can no longer be reassigned. Nothing was changed.",
                 status=status)
    return _("This visit has already started (%(status)s): it can no longer be cancelled. Nothing was changed.",
             status=status)


def _busy_until(visit: Visit) -> datetime:
    return visit.scheduled_start + timedelta(minutes=visit.expected_minutes)


# Days and times for people, in the language being written (fieldapp/formats.py).

def _day(moment: datetime) -> str:
    return formats.weekday_day(clock.local(moment).date())  # Tue 24 Nov


def _when(moment: datetime) -> str:
    return f"{_day(moment)} {formats.time_of_day(moment)}"  # Tue 24 Nov 14:00


def _window(start: datetime, end: datetime) -> str:
    if clock.local(start).date() == clock.local(end).date():
        return f"{_when(start)}–{formats.time_of_day(end)}"
    return f"{_when(start)} – {_when(end)}"


def _span(visit: Visit, near: datetime) -> str:
    """A clashing visit's busy time, with its day only when it is not the requested one."""
    start, end = visit.scheduled_start, _busy_until(visit)
    text = f"{formats.time_of_day(start)}–{formats.time_of_day(end)}"
    return text if clock.local(start).date() == clock.local(near).date() else f"{_day(start)} {text}"
