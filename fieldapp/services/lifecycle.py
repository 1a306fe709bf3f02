"""The life of a case: every status change goes through here, along the transition table, and
writes a case event (the timeline; the clock for service targets and reports). Attention items
are raised and cleared here too, keeping the case's `needs_attention` flag true to them."""
from __future__ import annotations

from datetime import datetime

from fieldapp.domain import DomainError
from fieldapp.models import AttentionItem, Case, CaseEvent, CaseStatus as S, Channel, Outcome, User, Visit, VisitStatus
from fieldapp.orm import utcnow

# From each status, the statuses a case may move to.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.ASSESSING, S.REMOTE_SUPPORT, S.VISIT_NEEDED, S.SCHEDULED, S.WAITING_CUSTOMER,
                      S.WAITING_PARTS, S.RESOLVED, S.CANCELLED}),
    S.ASSESSING: frozenset({S.REMOTE_SUPPORT, S.VISIT_NEEDED, S.SCHEDULED, S.WAITING_CUSTOMER, S.WAITING_PARTS,
                            S.RESOLVED, S.CANCELLED}),
    S.REMOTE_SUPPORT: frozenset({S.VISIT_NEEDED, S.SCHEDULED, S.WAITING_CUSTOMER, S.WAITING_PARTS, S.RESOLVED,
                                 S.CANCELLED}),
    S.VISIT_NEEDED: frozenset({S.REMOTE_SUPPORT, S.SCHEDULED, S.WAITING_CUSTOMER, S.WAITING_PARTS, S.RESOLVED,
                               S.CANCELLED}),
    S.SCHEDULED: frozenset({S.IN_PROGRESS, S.VISIT_NEEDED, S.WAITING_CUSTOMER, S.WAITING_PARTS, S.RESOLVED,
                            S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.SCHEDULED, S.VISIT_NEEDED, S.WAITING_PARTS, S.RESOLVED}),
    S.WAITING_CUSTOMER: frozenset({S.ASSESSING, S.REMOTE_SUPPORT, S.VISIT_NEEDED, S.SCHEDULED, S.RESOLVED,
                                   S.CANCELLED}),
    S.WAITING_PARTS: frozenset({S.VISIT_NEEDED, S.SCHEDULED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.CANCELLED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSESSING, S.REMOTE_SUPPORT, S.VISIT_NEEDED, S.SCHEDULED, S.WAITING_CUSTOMER,
                           S.WAITING_PARTS, S.RESOLVED, S.CANCELLED}),
}

# What each kind of event says on the timeline.
EVENT_LABELS = {
    "opened": "Case opened",
    "status": "Status changed",
    "assessed": "Assessed",
    "priority": "Priority changed",
    "remote_support": "Remote support",
    "visit_scheduled": "Visit scheduled",
    "visit_rescheduled": "Visit rescheduled",
    "visit_reassigned": "Visit reassigned",
    "visit_cancelled": "Visit cancelled",
    "visit_started": "Technician on the way",
    "visit_arrived": "Technician arrived",
    "visit_completed": "Visit completed",
    "visit_not_completed": "Visit could not be completed",
    "attention": "Needs attention",
    "attention_cleared": "Attention cleared",
    "follow_up": "Follow-up",
    "follow_up_added": "Follow-up planned",
    "follow_up_done": "Follow-up done",
    "complaint_assigned": "Complaint assigned",
    "complaint_resolved": "Complaint resolved",
    "resolved": "Resolved",
    "closed": "Closed",
    "reopened": "Reopened",
    "cancelled": "Cancelled",
    "note": "Note",
    "answered": "Answered by email",
    "report_emailed": "Report emailed",
    "mail_sent": "Email sent",
    "mail_failed": "Email could not be sent",
    "return_requested": "Return requested",
    "return_approved": "Return approved",
    "return_refused": "Return refused",
    "return_received": "Returned product received",
    "return_completed": "Return completed",
}


def can_move(case: Case, to: S) -> bool:
    return to in TRANSITIONS[case.status]


def record(case: Case, kind: str, note: str | None = None, user: User | None = None, visit: Visit | None = None,
           from_status: S | None = None, to_status: S | None = None, at: datetime | None = None) -> CaseEvent:
    """Add a line to the case's timeline (`at`: only the demo data writes history)."""
    event = CaseEvent(kind=kind, note=note, user=user, visit=visit, from_status=from_status,
                      to_status=to_status, at=at or utcnow())
    case.events.append(event)
    if user is not None and kind != "opened" and case.first_response_at is None:
        case.first_response_at = event.at
    return event


def move(case: Case, to: S, kind: str = "status", note: str | None = None, user: User | None = None,
         visit: Visit | None = None) -> CaseEvent:
    """Change the status along the table, or refuse with the reason (a conflict)."""
    if to is case.status:
        return record(case, kind, note, user, visit)
    if not can_move(case, to):
        raise DomainError(f"A case that is {case.status.label.lower()} cannot become {to.label.lower()}.")
    before = case.status
    case.status = to
    if to is S.RESOLVED:
        case.resolved_at = utcnow()
    if to is S.REOPENED:
        case.resolved_at = None
        case.closed_on = None
    return record(case, kind, note, user, visit, from_status=before, to_status=to)


def follow_visit(case: Case, to: S, kind: str, note: str | None = None, user: User | None = None,
                 visit: Visit | None = None) -> CaseEvent:
    """A status change caused by a visit (scheduled, started, ended). The visit happened whatever
    the case's status says, so when the table has no such step the event is still recorded."""
    if to is not case.status and can_move(case, to):
        return move(case, to, kind, note, user, visit)
    return record(case, kind, note, user, visit)


def status_from_visits(visits) -> S:
    """What a case's visits say its status is, all of them together:
    a technician on the way or on site → in progress; else one still planned → scheduled;
    else the last visit that ended (cancelled ones left out) decides: completed as resolved →
    resolved; anything else, or no visit that ended at all → a visit is needed."""
    if any(v.status in (VisitStatus.TRAVELLING, VisitStatus.ON_SITE) for v in visits):
        return S.IN_PROGRESS
    if any(v.status is VisitStatus.SCHEDULED for v in visits):
        return S.SCHEDULED
    ended = [v for v in visits if v.status in (VisitStatus.COMPLETED, VisitStatus.NOT_COMPLETED)]
    if not ended:
        return S.VISIT_NEEDED
    last = max(ended, key=lambda v: (v.completed_at, v.id))
    if last.status is VisitStatus.COMPLETED and last.outcome is Outcome.RESOLVED:
        return S.RESOLVED
    return S.VISIT_NEEDED


def follow_visits(case: Case, kind: str, note: str | None = None, user: User | None = None,
                  visit: Visit | None = None) -> CaseEvent:
    """A visit was booked, started, ended or cancelled: the case takes the status all its visits
    say (`status_from_visits`), along the table, with the event on the timeline. Resolved by a
    visit, the case's summary is what that visit did, unless the office wrote one."""
    event = follow_visit(case, status_from_visits(case.visits), kind, note, user, visit)
    if case.status is S.RESOLVED and not case.resolution_summary:
        ended = [v for v in case.visits if v.status is VisitStatus.COMPLETED]
        case.resolution_summary = max(ended, key=lambda v: (v.completed_at, v.id)).actions_taken if ended else None
    return event


# A request taken live (on the phone, at the desk, in a chat) is answered as it is taken.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN, Channel.CHAT})


def opened(case: Case, user: User | None, note: str | None = None, at: datetime | None = None) -> CaseEvent:
    event = record(case, "opened", note, user, to_status=case.status, at=at)
    if user is not None and case.channel in LIVE_CHANNELS:
        case.first_response_at = event.at
    return event


def raise_attention(case: Case, reason: str, user: User | None = None, visit: Visit | None = None) -> AttentionItem:
    item = AttentionItem(reason=reason[:200], raised_at=utcnow())
    case.attention_items.append(item)
    case.needs_attention = True
    record(case, "attention", reason, user, visit)
    return item


def clear_attention(case: Case, item: AttentionItem, note: str, user: User) -> None:
    if item.cleared_at is not None:
        raise DomainError("This item was already cleared.", kind="conflict")
    item.cleared_at = utcnow()
    item.cleared_by_id = user.id
    item.clear_note = note
    case.needs_attention = any(i.cleared_at is None for i in case.attention_items)
    record(case, "attention_cleared", f"{item.reason}: {note}", user)
