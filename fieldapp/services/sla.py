"""Service targets (SLAs): how long a case may wait for a first response and for its resolution.

The clocks are read from the case's events (its timeline). Time counts in elapsed hours, day and
night, and stands still while the case waits for the customer; it stops when the case is resolved,
closed or cancelled and runs again if it is reopened. A contract in force when the case was opened
may promise its own targets; otherwise the company's targets for the case's priority apply.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp import clock
from fieldapp.models import Case, CaseEvent, CaseStatus
from fieldapp.orm import utcnow
from fieldapp.services.settings import Target
from fieldapp.services.settings import targets as company_targets

# The clock stands still in these statuses...
PAUSED = frozenset({CaseStatus.WAITING_CUSTOMER})
# ...and stops in these (until the case is reopened).
STOPPED = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.CANCELLED})
# A running clock is "at risk" once this share of its target has gone.
AT_RISK_SHARE = 0.75


class ClockState(enum.Enum):
    MET = "met", _l("Met")
    RUNNING = "running", _l("On track")
    AT_RISK = "at_risk", _l("At risk")
    BREACHED = "breached", _l("Breached")
    PAUSED = "paused", _l("Paused: waiting for the customer")

    def __new__(cls, value: str, label: str):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @property
    def is_late(self) -> bool:
        return self in (ClockState.AT_RISK, ClockState.BREACHED)


@dataclass(frozen=True)
class Clock:
    """One target's clock: time used so far, the target, and when it falls due if still running."""

    name: str
    state: ClockState
    elapsed: timedelta
    target: timedelta
    due_at: datetime | None  # running clocks only
    stopped_at: datetime | None  # when it was met or stopped

    @property
    def remaining(self) -> timedelta:
        return self.target - self.elapsed

    @property
    def used_share(self) -> float:
        return self.elapsed / self.target if self.target else 1.0


@dataclass(frozen=True)
class CaseClocks:
    response: Clock
    resolution: Clock
    source: str  # where the targets come from: "Contract <ref>" or "<Priority> priority" (for people)

    @property
    def worst(self) -> ClockState | None:
        """The state that should flag the case in lists: breached before at risk; None when fine."""
        states = [c.state for c in (self.response, self.resolution)]
        for state in (ClockState.BREACHED, ClockState.AT_RISK):
            if state in states:
                return state
        return None


def status_spans(case: Case, events: Iterable[CaseEvent], now: datetime) -> list[tuple[datetime, datetime, CaseStatus]]:
    """The case's life as (from, to, status) spans, from the status changes on its timeline."""
    changes = sorted((e for e in events if e.to_status is not None and e.kind != "opened"), key=lambda e: (e.at, e.id))
    spans = []
    start, status = case.created_at, CaseStatus.NEW
    for event in changes:
        at = max(event.at, start)
        if at > start:
            spans.append((start, at, status))
        start, status = at, event.to_status
    if now > start:
        spans.append((start, now, status))
    return spans


def _running_time(spans, until: datetime) -> timedelta:
    total = timedelta()
    for start, end, status in spans:
        if start >= until:
            break
        if status not in PAUSED and status not in STOPPED:
            total += min(end, until) - start
    return total


def first_response(case: Case, events: Iterable[CaseEvent]) -> datetime | None:
    """The first thing staff did after the case was opened (a request taken live counts at once)."""
    return case.first_response_at or min(
        (e.at for e in events if e.user_id is not None and e.kind != "opened"), default=None)


def _clock(name: str, target_hours: int, spans, stop: datetime | None, now: datetime, paused: bool) -> Clock:
    target = timedelta(hours=target_hours)
    elapsed = _running_time(spans, stop or now)
    if stop is not None:
        state = ClockState.MET if elapsed <= target else ClockState.BREACHED
        return Clock(name, state, elapsed, target, None, stop)
    if elapsed > target:
        state = ClockState.BREACHED
    elif paused:
        state = ClockState.PAUSED
    elif elapsed >= target * AT_RISK_SHARE:
        state = ClockState.AT_RISK
    else:
        state = ClockState.RUNNING
    due = None if paused or state is ClockState.BREACHED else now + (target - elapsed)
    return Clock(name, state, elapsed, target, due, None)


def target_for(case: Case, by_priority: dict | None = None) -> tuple[Target, str]:
    """The contract's targets when one in force on the day the case was opened promises them."""
    if case.asset is not None:
        coverage = case.asset.coverage_on(clock.local(case.created_at).date())
        if coverage is not None and coverage.response_hours and coverage.resolution_hours:
            source = _("Contract %(reference)s", reference=coverage.reference or coverage.kind.label)
            return Target(coverage.response_hours, coverage.resolution_hours), source
    targets = by_priority or company_targets()
    return targets[case.priority], _("%(priority)s priority", priority=case.priority.label)


def clocks(case: Case, now: datetime | None = None, by_priority: dict | None = None) -> CaseClocks | None:
    """Both clocks for a case; None for a cancelled case (no promise is kept or broken)."""
    if case.status is CaseStatus.CANCELLED:
        return None
    now = now or utcnow()
    events = list(case.events)
    spans = status_spans(case, events, now)
    target, source = target_for(case, by_priority)
    paused = case.status in PAUSED
    responded = first_response(case, events)
    stopped = case.status in STOPPED
    resolved_at = (case.resolved_at or _last_stop(spans) or now) if stopped else None
    responded = responded or resolved_at  # solved without a word first: the solution was the response
    return CaseClocks(
        response=_clock(_("First response"), target.response_hours, spans, responded, now, paused),
        resolution=_clock(_("Resolution"), target.resolution_hours, spans, resolved_at, now, paused),
        source=source,
    )


def _last_stop(spans) -> datetime | None:
    return spans[-1][0] if spans and spans[-1][2] in STOPPED else None
