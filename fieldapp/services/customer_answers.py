"""What a customer does by the links we sent them, without an account: confirm a visit, move it
to a time a suitable technician is free (the desk's clash rule), cancel it with a reason, rate
the service in the survey, stop non-essential messages, and write to the office from the status
page. Each answer is a line on the case's timeline, by "the customer"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp import clock, formats
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    CaseMessage, Customer, CustomerLink, OptedOut, RatingSource, Role, User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import audit, booking, field_team, lifecycle, photos, ratings, settings

# The windows a customer may choose, on the company's wall clock, Monday to Friday.
WINDOWS = ((time(8), time(10)), (time(10), time(12)), (time(13), time(15)), (time(15), time(17)))
REASON_MAX = 500
MESSAGE_MAX = 2000


class TakenMeanwhile(DomainError):
    """The visit changed, or the time was taken, since the customer opened the page."""

    def __init__(self, message: str):
        super().__init__(message, kind="conflict")


def _require_open(visit: Visit, version: int | None) -> None:
    if version is not None and version != visit.schedule_version:
        raise TakenMeanwhile(_("This visit was changed by our office while you had the page open. Look at the "
                               "new details below."))
    if visit.status is not VisitStatus.SCHEDULED:
        raise TakenMeanwhile(_("This visit can no longer be changed here."))


def _too_close(visit: Visit, now: datetime) -> bool:
    cutoff = timedelta(hours=settings.current().reschedule_cutoff_hours)
    return visit.scheduled_start - now < cutoff


def can_change(visit: Visit, now: datetime | None = None) -> bool:
    return visit.status is VisitStatus.SCHEDULED and not _too_close(visit, now or utcnow())


def confirm(visit: Visit, version: int | None) -> None:
    _require_open(visit, version)
    if visit.confirmed_at is not None:
        return  # confirmed twice (a double tap): once on the record
    visit.confirmed_at = utcnow()
    with lifecycle.for_the_record():
        note = _("%(window)s, confirmed by the customer", window=_window(visit.scheduled_start, visit.scheduled_end))
    lifecycle.record(visit.case, "visit_confirmed", note, visit=visit)
    audit.record("visit.confirmed_by_customer", visit, {})


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    technician: User

    @property
    def key(self) -> str:
        return self.start.isoformat()


def _candidates(visit: Visit) -> list[User]:
    """The visit's technician first, then the other active technicians qualified for the product."""
    technicians = list(db.session.scalars(select(User).where(User.role == Role.TECHNICIAN, User.active.is_(True))
                                          .order_by(User.name, User.id)))
    ranking = field_team.ranked(technicians, field_team.category_of(visit.case))
    others = ranking.qualified if ranking.category else ranking.others
    return [visit.technician] + [t for t in others if t.id != visit.technician_id]


def free_slots(visit: Visit, now: datetime | None = None) -> list[Slot]:
    """The windows of the next days (setting) a suitable technician is free for this visit's
    length, after the cut-off; the visit's own time is left out."""
    now = now or utcnow()
    company = settings.current()
    earliest = now + timedelta(hours=company.reschedule_cutoff_hours)
    first_day, last_day = clock.local_day(earliest), clock.today() + timedelta(days=company.reschedule_days)
    minutes = visit.expected_minutes
    candidates = _candidates(visit)
    busy = _busy(candidates, clock.day_bounds(first_day)[0], clock.day_bounds(last_day)[1], visit)
    found = []
    day = first_day
    while day <= last_day:
        if day.weekday() < 5:
            for opens, closes in WINDOWS:
                start, end = clock.at(day, opens), clock.at(day, closes)
                if start < earliest or start == visit.scheduled_start:
                    continue
                technician = next((t for t in candidates if _free(busy[t.id], start, minutes)), None)
                if technician is not None:
                    found.append(Slot(start, end, technician))
        day += timedelta(days=1)
    return found


def _busy(technicians: list[User], start: datetime, end: datetime, visit: Visit) -> dict[int, list[tuple]]:
    """Each technician's busy spans in the period (one query), the visit being moved left out."""
    spans = {t.id: [] for t in technicians}
    rows = db.session.scalars(select(Visit).where(
        Visit.technician_id.in_(spans), Visit.status.in_(booking.BUSY), Visit.id != visit.id,
        Visit.scheduled_start < end, Visit.scheduled_start > start - timedelta(minutes=booking.MAX_MINUTES)))
    for other in rows:
        spans[other.technician_id].append((other.scheduled_start,
                                           other.scheduled_start + timedelta(minutes=other.expected_minutes)))
    return spans


def _free(spans: list[tuple], start: datetime, minutes: int) -> bool:
    end = start + timedelta(minutes=minutes)
    return all(not (span_start < end and start < span_end) for span_start, span_end in spans)


def move(visit: Visit, start_text: str, version: int | None, now: datetime | None = None) -> Slot:
    """Move the visit to one of the free windows; the technician's diary is checked again under a
    lock, so two customers (or a customer and the office) never get the same time."""
    now = now or utcnow()
    _require_open(visit, version)
    if _too_close(visit, now):
        raise DomainError(_("Your visit is too close to change here. Please call us."), kind="conflict")
    try:
        start = datetime.fromisoformat(start_text or "")
    except ValueError:
        raise DomainError(_("Choose one of the times in the list."), "start", "invalid") from None
    if start.tzinfo is None:
        raise DomainError(_("Choose one of the times in the list."), "start", "invalid")
    offered = {slot.start: slot for slot in free_slots(visit, now)}
    slot = offered.get(start)
    if slot is None:
        raise TakenMeanwhile(_("That time is no longer free. Choose another one from the list."))
    # Lock the technician's row (PostgreSQL; SQLite writes one at a time anyway) and look again.
    db.session.scalar(select(User).where(User.id == slot.technician.id).with_for_update())
    if booking.conflicts(slot.technician, slot.start, visit.expected_minutes, ignore_visit=visit):
        raise TakenMeanwhile(_("That time was just taken. Choose another one from the list."))
    before = _window(visit.scheduled_start, visit.scheduled_end)
    moved_from = visit.technician
    visit.scheduled_start, visit.scheduled_end = slot.start, slot.end
    visit.technician = slot.technician
    visit.schedule_version += 1
    with lifecycle.for_the_record():
        note = _("Moved by the customer: %(before)s → %(after)s", before=before, after=_window(slot.start, slot.end))
        if moved_from.id != slot.technician.id:
            note += " " + _("(now with %(technician)s)", technician=slot.technician.name)
    lifecycle.record(visit.case, "visit_rescheduled", note, visit=visit)
    audit.record("visit.moved_by_customer", visit, {"start": slot.start.isoformat(),
                                                    "technician": slot.technician.id})
    return slot


def cancel(visit: Visit, reason: str, version: int | None, now: datetime | None = None) -> None:
    _require_open(visit, version)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Tell us why, so we know what to do next."), "reason", "invalid")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason to %(num)s characters.", num=REASON_MAX), "reason", "invalid")
    if _too_close(visit, now or utcnow()):
        raise DomainError(_("Your visit is too close to cancel here. Please call us."), kind="conflict")
    visit.status = VisitStatus.CANCELLED
    visit.schedule_version += 1
    with lifecycle.for_the_record():
        note = _("Cancelled by the customer, %(window)s. Reason: %(reason)s",
                 window=_window(visit.scheduled_start, visit.scheduled_end), reason=reason)
        attention = _("The customer cancelled the visit: %(reason)s", reason=reason)
    lifecycle.follow_visits(visit.case, "visit_cancelled", note, visit=visit)
    lifecycle.raise_attention(visit.case, attention[:200], visit=visit)
    audit.record("visit.cancelled_by_customer", visit, {"reason": reason})


def rate(link: CustomerLink, scores: dict[str, int], comments: str | None, complaint: str | None) -> None:
    """The survey's answer: the visit's one rating (a low one or a complaint flags the case, as
    on site); the link is spent."""
    rating = ratings.submit(link.visit, scores, comments, complaint, RatingSource.SURVEY)
    link.used_at = utcnow()
    with lifecycle.for_the_record():
        note = _("Overall %(score)s/5, by the survey link", score=rating.overall)
    lifecycle.record(link.visit.case, "survey_answered", note, visit=link.visit)


def unsubscribe(link: CustomerLink) -> bool:
    """No more non-essential messages to this address; False when it was done already."""
    if db.session.scalar(select(OptedOut.id).where(OptedOut.address == link.address)) is not None:
        return False
    db.session.add(OptedOut(address=link.address, at=utcnow()))
    link.used_at = link.used_at or utcnow()
    if link.case is not None:
        with lifecycle.for_the_record():
            note = _("No more reminders, surveys or “visit done” messages to %(address)s", address=link.address)
        lifecycle.record(link.case, "unsubscribed", note)
    return True


def write_to_office(link: CustomerLink, body: str, photo: bytes | None) -> CaseMessage:
    case = link.case
    body = (body or "").strip()
    if not body and not photo:
        raise DomainError(_("Write your message, or add a photo."), "body", "invalid")
    if len(body) > MESSAGE_MAX:
        raise DomainError(_("Keep the message to %(num)s characters.", num=MESSAGE_MAX), "body", "invalid")
    message = CaseMessage(case_id=case.id, body=body, created_at=utcnow())
    if photo:
        message.photo_name = photos.store(photo, "messages", str(case.id))[0]
    db.session.add(message)
    db.session.flush()
    with lifecycle.for_the_record():
        said = _("The customer wrote: %(text)s", text=" ".join(body.split())) if body else \
            _("The customer sent a photo")
    lifecycle.record(case, "customer_message", said)
    lifecycle.raise_attention(case, said[:200])
    return message


def messages_for(case_id: int) -> list[CaseMessage]:
    return list(db.session.scalars(select(CaseMessage).where(CaseMessage.case_id == case_id)
                                   .order_by(CaseMessage.created_at.desc(), CaseMessage.id.desc())))


def _window(start: datetime, end: datetime) -> str:
    return f"{formats.weekday_day(clock.local_day(start))} {formats.time_of_day(start)}–{formats.time_of_day(end)}"


def customer_of(link: CustomerLink) -> Customer | None:
    return link.case.customer if link.case is not None else link.customer


