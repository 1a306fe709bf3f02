"""The life of a case: every status change goes through here, along the transition table, and
writes a case event (the timeline; the clock for service targets and reports). Attention items
are raised and cleared here too, keeping the case's `needs_attention` flag true to them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
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
    "opened": _l("Case opened"),
    "status": _l("Status changed"),
    "assessed": _l("Assessed"),
    "priority": _l("Priority changed"),
    "remote_support": _l("Remote support"),
    "visit_scheduled": _l("Visit scheduled"),
    "visit_rescheduled": _l("Visit rescheduled"),
    "visit_reassigned": _l("Visit reassigned"),
    "visit_cancelled": _l("Visit cancelled"),
    "visit_started": _l("Technician on the way"),
    "visit_arrived": _l("Technician arrived"),
    "visit_completed": _l("Visit completed"),
    "visit_not_completed": _l("Visit could not be completed"),
    "attention": _l("Needs attention"),
    "attention_cleared": _l("Attention cleared"),
    "follow_up": _l("Follow-up"),
    "follow_up_added": _l("Follow-up planned"),
    "follow_up_done": _l("Follow-up done"),
    "complaint_assigned": _l("Complaint assigned"),
    "complaint_resolved": _l("Complaint resolved"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
    "cancelled": _l("Cancelled"),
    "note": _l("Note"),
    "answered": _l("Answered by email"),
    "report_emailed": _l("Report emailed"),
    "mail_sent": _l("Email sent"),
    "mail_failed": _l("Email could not be sent"),
    "text_sent": _l("Text message sent"),
    "text_failed": _l("Text message could not be sent"),
    "link_revoked": _l("Customer link revoked"),
    "visit_confirmed": _l("Visit confirmed by the customer"),
    "customer_message": _l("Message from the customer"),
    "unsubscribed": _l("Customer unsubscribed"),
    "survey_answered": _l("Survey answered"),
    "return_requested": _l("Return requested"),
    "return_approved": _l("Return approved"),
    "return_refused": _l("Return refused"),
    "return_received": _l("Returned product received"),
    "return_completed": _l("Return completed"),
}

# A status in the middle of a sentence ("A case that is closed cannot become new."): in English
# the label in lower case; each language writes its own.
IN_A_SENTENCE = {
    S.NEW: _l("new"),
    S.ASSESSING: _l("assessing"),
    S.REMOTE_SUPPORT: _l("remote support"),
    S.VISIT_NEEDED: _l("visit needed"),
    S.SCHEDULED: _l("visit scheduled"),
    S.IN_PROGRESS: _l("visit in progress"),
    S.WAITING_CUSTOMER: _l("waiting for customer"),
    S.WAITING_PARTS: _l("waiting for parts"),
    S.RESOLVED: _l("resolved"),
    S.CLOSED: _l("closed"),
    S.CANCELLED: _l("cancelled"),
    S.REOPENED: _l("reopened"),
}


def in_a_sentence(status: S) -> str:
    return str(IN_A_SENTENCE[status])


def for_the_record():
    """What the application itself writes on a case's record (timeline notes, attention reasons,
    a summary) is kept in the company's language: the whole office reads it, whoever's action
    wrote it. `with lifecycle.for_the_record(): note = _("...")`; or pass a lazy_gettext string
    to `record` / `raise_attention`, which write it down so."""
    return languages.speaking(None)


def _kept(text):
    if isinstance(text, LazyString):
        with for_the_record():
            return str(text)
    return text


def can_move(case: Case, to: S) -> bool:
    return to in TRANSITIONS[case.status]


_listeners: list[Callable[[Case, CaseEvent], None]] = []


def listen(listener: Callable[[Case, CaseEvent], None]) -> None:
    """Call `listener(case, event)` for every new line on a timeline (what tells the customer:
    services/notify.py), in the same transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(case: Case, kind: str, note: str | None = None, user: User | None = None, visit: Visit | None = None,
           from_status: S | None = None, to_status: S | None = None, at: datetime | None = None) -> CaseEvent:
    """Add a line to the case's timeline (`at`: only the demo data writes history, which tells
    no one). A lazy message as the note is written in the company's language (`for_the_record`)."""
    event = CaseEvent(kind=kind, note=_kept(note), user=user, visit=visit, from_status=from_status,
                      to_status=to_status, at=at or utcnow())
    case.events.append(event)
    if user is not None and kind != "opened" and case.first_response_at is None:
        case.first_response_at = event.at
    if at is None:
        for listener in _listeners:
            listener(case, event)
    return event


def note_by_id(case_id: int, kind: str, note: str) -> CaseEvent:
    """A line on a case's timeline written without loading the case (what the outbox notes of
    each message sent: a thousand of them in a run). Only for lines that change nothing else."""
    event = CaseEvent(case_id=case_id, kind=kind, note=_kept(note), at=utcnow())
    db.session.add(event)
    return event


def move(case: Case, to: S, kind: str = "status", note: str | None = None, user: User | None = None,
         visit: Visit | None = None) -> CaseEvent:
    """Change the status along the table, or refuse with the reason (a conflict)."""
    if to is case.status:
        return record(case, kind, note, user, visit)
    if not can_move(case, to):
        raise DomainError(_("A case that is %(status)s cannot become %(to)s.",
                            status=in_a_sentence(case.status), to=in_a_sentence(to)))
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
    """The reason is kept as written; a lazy message in the company's language (`for_the_record`)."""
    reason = _kept(reason)
    item = AttentionItem(reason=reason[:200], raised_at=utcnow())
    case.attention_items.append(item)
    case.needs_attention = True
    record(case, "attention", reason, user, visit)
    return item


def clear_attention(case: Case, item: AttentionItem, note: str, user: User) -> None:
    if item.cleared_at is not None:
        raise DomainError(_("This item was already cleared."), kind="conflict")
    item.cleared_at = utcnow()
    item.cleared_by_id = user.id
    item.clear_note = note
    case.needs_attention = any(i.cleared_at is None for i in case.attention_items)
    record(case, "attention_cleared", _l("%(reason)s: %(note)s", reason=item.reason, note=note), user)
