"""What a technician's phone keeps for work without signal, and when it last synced.

The phone caches the pages listed by `plan` (views/visits/offline.py serves it as JSON) and
refreshes them whenever the plan's version changes: a new day, a visit added, moved, cancelled,
started or rated. Queued changes come back through the ordinary write routes (web/actions.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Protocol
from datetime import date, timedelta

from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Part, Rating, User, Visit
from fieldapp.orm import utcnow
from fieldapp.services import field_team

SYNC_MARK_EVERY = timedelta(minutes=1)  # the board needs minutes, not every request


@dataclass(frozen=True)
class OfflineDay:
    day: date
    visits: list[Visit]


def days(user: User) -> list[OfflineDay]:
    """Today and tomorrow: what a technician may need before the next chance of signal."""
    today = clock.today()
    return [OfflineDay(day, field_team.technician_day(user, day)) for day in (today, today + timedelta(days=1))]


class PlanLinks(Protocol):
    """The addresses of the pages a phone keeps: the web layer knows them, this module does not."""

    def fixed(self) -> list[str]: ...  # Today, the offline and sync pages, the parts catalog
    def day(self, day: date) -> str: ...
    def visit(self, visit: Visit) -> str: ...
    def rating(self, visit: Visit) -> str: ...
    def unlock(self, visit: Visit) -> str: ...
    def product(self, asset) -> str: ...


def visit_urls(visit: Visit, rated: bool, links: PlanLinks) -> list[str]:
    urls = [links.visit(visit)]
    if not visit.status.is_finished and not rated:  # the hand-over, with or without signal
        urls += [links.rating(visit), links.unlock(visit)]
    if visit.case.asset is not None:  # the product's full history, for staff
        urls.append(links.product(visit.case.asset))
    return urls


def plan(user: User, links: PlanLinks) -> dict:
    """The URLs to keep and a version that changes whenever one of those pages would."""
    offline_days = days(user)
    urls = links.fixed() + [links.day(d.day) for d in offline_days[1:]]
    # The PIN as the phone checks it without signal, after a hand-over (a new PIN: a new plan).
    state = [user.id, offline_days[0].day.isoformat(), user.pin_verifier]
    visits = []
    ids = [visit.id for offline_day in offline_days for visit in offline_day.visits]
    rated = set(db.session.scalars(select(Rating.visit_id).where(Rating.visit_id.in_(ids)))) if ids else set()
    for offline_day in offline_days:
        for visit in offline_day.visits:
            urls += visit_urls(visit, visit.id in rated, links)
            state.append([visit.id, visit.status.value, visit.schedule_version, visit.id in rated,
                          visit.case.status.value])
            visits.append({"id": visit.id, "url": links.visit(visit)})
    version = hashlib.sha256(json.dumps([state, urls]).encode()).hexdigest()[:20]
    return {"version": version, "user": user.id, "urls": list(dict.fromkeys(urls)), "visits": visits,
            "pin": user.pin_verifier}


def parts_catalog() -> list[dict]:
    """Active parts, for adding a part to a visit without signal (the search is then local)."""
    rows = db.session.execute(
        select(Part.id, Part.sku, Part.name, Part.unit_price_cents).where(Part.active.is_(True)).order_by(Part.name))
    return [{"id": id_, "sku": sku, "name": name, "cents": cents} for id_, sku, name, cents in rows]


def mark_synced(user: User) -> None:
    """Record that the user's phone reached the server (throttled to one write a minute)."""
    now = utcnow()
    if user.last_sync_at is None or now - user.last_sync_at >= SYNC_MARK_EVERY:
        user.last_sync_at = now


def static_version(static_urls: list[str]) -> str:
    """The service worker's version: changes whenever a file it keeps does."""
    return hashlib.sha256("\n".join(static_urls).encode()).hexdigest()[:12]
