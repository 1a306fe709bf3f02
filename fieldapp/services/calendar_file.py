"""The .ics a visit's messages carry (RFC 5545, written by icalendar): one event per visit with a
UID that never changes and a SEQUENCE that grows with every change (the visit's schedule
version), so the customer's calendar updates the one entry; METHOD:CANCEL takes it out."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from fieldapp import clock
from fieldapp.models import Visit, VisitStatus
from fieldapp.orm import utcnow

CONTENT_TYPE = "text/calendar"


def uid(visit: Visit) -> str:
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"visit-{visit.id}@{host}"


def sequence(visit: Visit) -> int:
    return max(0, visit.schedule_version - 1)


def filename(visit: Visit) -> str:
    return f"visit-{visit.id}.ics"


def for_visit(visit: Visit, summary: str, description: str, organizer: str) -> bytes:
    cancelled = visit.status is VisitStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//FieldApp//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(visit))
    event.add("sequence", sequence(visit))
    event.add("dtstamp", utcnow())
    # The window on the company's wall clock, with its zone named (icalendar writes the VTIMEZONE).
    event.add("dtstart", clock.local(visit.scheduled_start))
    event.add("dtend", clock.local(visit.scheduled_end))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    customer = visit.case.customer
    if customer is not None and customer.address:
        event.add("location", vText(" ".join(customer.address.split())))
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    calendar.add_component(_vtimezone(clock.zone_name(), clock.local(visit.scheduled_start).year))
    calendar.add_component(event)
    return calendar.to_ical()


@lru_cache(maxsize=16)
def _vtimezone(zone: str, year: int) -> Timezone:
    """The zone's rules around the visit's year (the years before and after: a handful of
    transitions, not icalendar's default 1970–2038), computed once per process and year."""
    return Timezone.from_tzid(zone, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
