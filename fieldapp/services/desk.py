"""The dispatcher's work on a case (process steps 2-4 and closing): assessment, remote support,
status changes, attention, closing and reopening. Statuses move only through services.lifecycle."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, AttentionItem, Case, CaseEvent, CaseStatus, Channel, Complaint, FollowUp, Priority, RemoteSupportOutcome,
    RemoteSupportSession, User, Visit,
)
from fieldapp.orm import utcnow
from fieldapp.services import audit, lifecycle, mail, settings

# What an assessment may decide next.
ASSESS_DECISIONS = (CaseStatus.ASSESSING, CaseStatus.REMOTE_SUPPORT, CaseStatus.VISIT_NEEDED,
                    CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_PARTS)
REMOTE_NEXT = {
    RemoteSupportOutcome.SOLVED: CaseStatus.RESOLVED,
    RemoteSupportOutcome.NOT_SOLVED: CaseStatus.VISIT_NEEDED,
    RemoteSupportOutcome.CUSTOMER_TO_TRY: CaseStatus.WAITING_CUSTOMER,
}


# Built once (its loader options cost more to build than to run): a case with everything its page shows.
_CASE_PAGE = select(Case).where(Case.id == bindparam("case_id")).options(
    joinedload(Case.customer), joinedload(Case.asset).joinedload(Asset.product_model),
    joinedload(Case.asset).selectinload(Asset.coverages), joinedload(Case.created_by),
    selectinload(Case.visits).joinedload(Visit.technician), selectinload(Case.visits).joinedload(Visit.rating),
    selectinload(Case.follow_ups).joinedload(FollowUp.done_by),
    selectinload(Case.complaints).options(joinedload(Complaint.owner), joinedload(Complaint.resolved_by)),
    selectinload(Case.attention_items).joinedload(AttentionItem.cleared_by),
    selectinload(Case.remote_sessions).joinedload(RemoteSupportSession.user),
    selectinload(Case.events).joinedload(CaseEvent.user),
)


def case_page(case_id: int) -> Case | None:
    """A case with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(_CASE_PAGE, {"case_id": case_id})


def _open_only(case: Case) -> None:
    if not case.status.is_open:
        raise DomainError(_("This case is %(status)s. Reopen it first.", status=lifecycle.in_a_sentence(case.status)))


def assess(case: Case, notes: str, category: str | None, priority: Priority, decision: CaseStatus, by: User) -> None:
    """Record the initial assessment (step 2) and decide what comes next."""
    _open_only(case)
    if decision not in ASSESS_DECISIONS:
        raise DomainError(_("Choose what happens next."), "decision", "invalid")
    case.assessment_notes = notes.strip()
    case.assessment_category = (category or "").strip() or None
    if priority is not case.priority:
        with lifecycle.for_the_record():
            change = _("%(before)s → %(after)s", before=case.priority.label, after=priority.label)
        lifecycle.record(case, "priority", change, by)
        case.priority = priority
    lifecycle.move(case, decision, "assessed", case.assessment_notes, by)
    audit.record("case.assessed", case, {"decision": decision.value}, user=by)


def log_remote_support(case: Case, channel: Channel, steps: str, outcome: RemoteSupportOutcome, by: User) -> None:
    """One attempt to solve it without a visit (step 3): solved resolves the case, not solved
    puts it in the queue for a visit, otherwise it waits for the customer."""
    _open_only(case)
    if case.visits and any(not v.status.is_finished for v in case.visits) and outcome is RemoteSupportOutcome.SOLVED:
        raise DomainError(_("A visit is still planned: cancel it first, or let it happen."), "outcome")
    case.remote_sessions.append(RemoteSupportSession(channel=channel, steps=steps.strip(), outcome=outcome,
                                                     at=utcnow(), user_id=by.id))
    with lifecycle.for_the_record():
        note = _("%(channel)s: %(steps)s — %(outcome)s", channel=channel.label, steps=steps.strip(),
                 outcome=outcome.label)
    target = REMOTE_NEXT[outcome]
    if target is CaseStatus.RESOLVED:
        case.resolution_summary = steps.strip()
    lifecycle.move(case, target, "remote_support", note, by)
    audit.record("case.remote_support", case, {"outcome": outcome.value}, user=by)


def change_status(case: Case, to: CaseStatus, note: str | None, by: User) -> None:
    if to in (CaseStatus.CLOSED, CaseStatus.REOPENED, CaseStatus.RESOLVED):
        raise DomainError(_("Use the resolve, close or reopen forms for that."), "status", "invalid")
    if to is CaseStatus.CANCELLED and any(not v.status.is_finished for v in case.visits):
        raise DomainError(_("Cancel the planned visits first."), "status")
    lifecycle.move(case, to, "cancelled" if to is CaseStatus.CANCELLED else "status", (note or "").strip() or None, by)


def resolve(case: Case, summary: str, by: User) -> None:
    if any(not v.status.is_finished for v in case.visits):
        raise DomainError(_("A visit is still open: it must be done or cancelled first."), "summary")
    case.resolution_summary = summary.strip()
    lifecycle.move(case, CaseStatus.RESOLVED, "resolved", case.resolution_summary, by)


def close(case: Case, summary: str, closed_on: date, waive_follow_ups: bool, by: User) -> None:
    """Close a case whose visits are done and whose follow-ups are finished or waived."""
    if any(not v.status.is_finished for v in case.visits):
        raise DomainError(_("A visit is still open: it must be done or cancelled before closing."), "summary")
    pending = [f for f in case.follow_ups if not f.is_done]
    if pending and not waive_follow_ups:
        raise DomainError(ngettext("%(num)d follow-up still open: finish it, or tick to waive it.",
                                   "%(num)d follow-ups still open: finish them, or tick to waive them.",
                                   len(pending)), "waive_follow_ups")
    # Dates as the company counts them (its time zone), like every date shown.
    if closed_on > clock.today() or closed_on < clock.local(case.created_at).date():
        raise DomainError(_("The closure date must be between the opening date and today."), "closed_on", "invalid")
    if case.status is not CaseStatus.RESOLVED:
        resolve(case, summary, by)
    for follow_up in pending:
        follow_up.done_at = utcnow()
        follow_up.done_by_id = by.id
        with lifecycle.for_the_record():
            follow_up.outcome = _("Waived when the case was closed.")
    case.resolution_summary = summary.strip()
    case.closed_on = closed_on
    lifecycle.move(case, CaseStatus.CLOSED, "closed", case.resolution_summary, by)
    audit.record("case.closed", case, user=by)
    if settings.current().email_report_on_close:
        _email_report_on_close(case, by)


def _email_report_on_close(case: Case, by: User) -> None:
    from fieldapp.services import report_mail  # the PDF stack loads only when a report is sent

    to = report_mail.recipient(case)
    if to is None or not mail.valid_address(to):
        lifecycle.record(case, "note", _l("The report was not emailed: the customer has no usable email address."), by)
        return
    report_mail.email(case, to, None, by, why="case closed")


def reopen(case: Case, note: str, by: User) -> None:
    lifecycle.move(case, CaseStatus.REOPENED, "reopened", note.strip(), by)
    audit.record("case.reopened", case, user=by)


def clear_attention(case: Case, item_id: int, note: str, by: User) -> None:
    item = next((i for i in case.attention_items if i.id == item_id), None)
    if item is None:
        raise DomainError(_("That item is not on this case."), kind="not_found")
    lifecycle.clear_attention(case, item, note.strip(), by)
