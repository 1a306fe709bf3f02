"""The visit workflow: who may see a visit, its status changes, and what completing does."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from fieldapp import clock, languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseStatus, FollowUp, FollowUpKind, FollowUpRecommendation, FollowUpSource, NotCompletedReason,
    Outcome, Role, ServiceType, User, Visit, VisitPart, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import audit, costs, followups, lifecycle, maintenance, notify, payments


# Built once (building a statement with its loader options costs more than running it): the
# visit with everything its page shows, or its row alone.
_VISIT_PAGE = select(Visit).where(Visit.id == bindparam("visit_id")).options(
    joinedload(Visit.case).joinedload(Case.asset).joinedload(Asset.product_model),
    joinedload(Visit.case).joinedload(Case.asset).selectinload(Asset.coverages),
    joinedload(Visit.case).joinedload(Case.customer),
    joinedload(Visit.technician),
    selectinload(Visit.parts).joinedload(VisitPart.part),
    joinedload(Visit.rating),
)
_VISIT_ROW = select(Visit).where(Visit.id == bindparam("visit_id"))


def visible_visit(user: User, visit_id: int, page: bool = True) -> Visit | None:
    """The visit if `user` may see it: technicians only their own, office staff all.
    `page`: with everything its page shows, loaded at once; else the visit's row alone (a write:
    the commit expires what was loaded, so the answer would load it again anyway)."""
    visit = db.session.scalar(_VISIT_PAGE if page else _VISIT_ROW, {"visit_id": visit_id})
    if visit is None:
        return None
    if user.role is Role.TECHNICIAN and visit.technician_id != user.id:
        return None
    return visit


FINISHED = {
    VisitStatus.COMPLETED: _l("This visit is completed; its report can no longer be changed."),
    VisitStatus.NOT_COMPLETED: _l("This visit could not be completed; its report can no longer be changed."),
    VisitStatus.CANCELLED: _l("This visit is cancelled; its report can no longer be changed."),
}


def ensure_editable(visit: Visit) -> None:
    if visit.status.is_finished:
        raise DomainError(str(FINISHED[visit.status]))


TRANSITIONS = {
    "start_travel": ({VisitStatus.SCHEDULED}, VisitStatus.TRAVELLING),
    "arrive": ({VisitStatus.SCHEDULED, VisitStatus.TRAVELLING}, VisitStatus.ON_SITE),
    "complete": ({VisitStatus.ON_SITE}, VisitStatus.COMPLETED),
    "not_complete": ({VisitStatus.SCHEDULED, VisitStatus.TRAVELLING, VisitStatus.ON_SITE},
                     VisitStatus.NOT_COMPLETED),
}
# Why a step cannot be taken: one whole sentence for each step and status it cannot be taken from.
REFUSED_STEPS = {
    ("start_travel", VisitStatus.TRAVELLING): _l("Cannot start travel: the visit is travelling."),
    ("start_travel", VisitStatus.ON_SITE): _l("Cannot start travel: the visit is on site."),
    ("start_travel", VisitStatus.COMPLETED): _l("Cannot start travel: the visit is completed."),
    ("start_travel", VisitStatus.NOT_COMPLETED): _l("Cannot start travel: the visit could not be completed."),
    ("start_travel", VisitStatus.CANCELLED): _l("Cannot start travel: the visit is cancelled."),
    ("arrive", VisitStatus.ON_SITE): _l("Cannot mark arrived: the visit is on site."),
    ("arrive", VisitStatus.COMPLETED): _l("Cannot mark arrived: the visit is completed."),
    ("arrive", VisitStatus.NOT_COMPLETED): _l("Cannot mark arrived: the visit could not be completed."),
    ("arrive", VisitStatus.CANCELLED): _l("Cannot mark arrived: the visit is cancelled."),
    ("complete", VisitStatus.SCHEDULED): _l("Cannot complete: the visit is scheduled."),
    ("complete", VisitStatus.TRAVELLING): _l("Cannot complete: the visit is travelling."),
    ("complete", VisitStatus.COMPLETED): _l("Cannot complete: the visit is completed."),
    ("complete", VisitStatus.NOT_COMPLETED): _l("Cannot complete: the visit could not be completed."),
    ("complete", VisitStatus.CANCELLED): _l("Cannot complete: the visit is cancelled."),
    ("not_complete", VisitStatus.COMPLETED): _l("Cannot mark could not complete: the visit is completed."),
    ("not_complete", VisitStatus.NOT_COMPLETED):
        _l("Cannot mark could not complete: the visit could not be completed."),
    ("not_complete", VisitStatus.CANCELLED): _l("Cannot mark could not complete: the visit is cancelled."),
}


def _check_transition(visit: Visit, step: str) -> None:
    allowed_from, _unused = TRANSITIONS[step]
    if visit.status not in allowed_from:
        raise DomainError(str(REFUSED_STEPS[step, visit.status]))


CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is the phone, not the future


def technician_time(visit: Visit, at: datetime | None, after: datetime | None = None) -> datetime:
    """When a step happened: now, or the time a change queued offline was made on the phone.
    Bounded: not in the future (beyond a phone's usual clock drift), not before the visit was
    planned, not before the step it follows (`after`)."""
    now = utcnow()
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise DomainError(_("The time of this change is in the future: check the phone's clock."), kind="invalid")
    if at < visit.created_at:
        raise DomainError(_("The time of this change is before the visit was planned: check the phone's clock."),
                          kind="invalid")
    if after is not None and at < after:
        raise DomainError(_("The time of this change is before the visit's previous step."), kind="invalid")
    return min(at, now)


def planned_for_another_day(visit: Visit, at: datetime | None = None) -> bool:
    """Is the visit's first step (travel or arrival) being taken on another day than planned?"""
    return (visit.status is VisitStatus.SCHEDULED
            and clock.local_day(at or utcnow()) != clock.local_day(visit.scheduled_start))


def on_its_day(visit: Visit, at: datetime | None, other_day: bool) -> None:
    """A visit is started on the day it is planned for, or the technician confirms doing it on
    another (tomorrow's job done early, yesterday's late): a tap on the wrong card must not
    start another customer's visit."""
    if planned_for_another_day(visit, at) and not other_day:
        planned = clock.day_text(clock.local_day(visit.scheduled_start))
        # TRANSLATORS: “I am doing it today” is the label of the tick box (forms/visits.py FirstStepForm).
        raise DomainError(_("This visit is planned for %(day)s, not today. Tick “I am doing it today” to go on.",
                            day=planned), field="other_day", kind="invalid")


def start_travel(visit: Visit, at: datetime | None = None, other_day: bool = False,
                 arrival_minutes: int | None = None) -> None:
    """On the way; `arrival_minutes`: "about N minutes", what the customer is told (else the window)."""
    _check_transition(visit, "start_travel")
    started = technician_time(visit, at)
    on_its_day(visit, started, other_day)
    visit.status = VisitStatus.TRAVELLING
    visit.travel_started_at = started
    visit.expected_arrival_at = notify.expected_arrival(visit, arrival_minutes, started)
    lifecycle.follow_visits(visit.case, "visit_started", user=visit.technician, visit=visit)
    audit.record("visit.travelling", visit, user=visit.technician)


def arrive(visit: Visit, at: datetime | None = None, other_day: bool = False) -> None:
    _check_transition(visit, "arrive")
    arrived = technician_time(visit, at, after=visit.travel_started_at)
    on_its_day(visit, arrived, other_day)
    visit.arrived_at = arrived
    visit.status = VisitStatus.ON_SITE
    lifecycle.follow_visits(visit.case, "visit_arrived", user=visit.technician, visit=visit)
    audit.record("visit.arrived", visit, user=visit.technician)


def complete(visit: Visit, labour_minutes: int | None, at: datetime | None = None) -> None:
    """Finish the visit: needs an outcome and the actions taken; settles payment and the case."""
    _check_transition(visit, "complete")
    completed_at = technician_time(visit, at, after=visit.arrived_at)
    errors = {}
    if visit.outcome is None:
        errors["outcome"] = _("Choose the outcome before completing.")
    if not (visit.actions_taken or "").strip():
        errors["actions_taken"] = _("Describe the actions taken before completing.")
    if errors:
        raise DomainError(_("Fill in what is missing before completing."), kind="invalid", errors=errors)
    visit.status = VisitStatus.COMPLETED
    visit.completed_at = completed_at
    if labour_minutes is not None:
        visit.labour_minutes = labour_minutes
    visit.payment_status = costs.settled_payment_status(visit)
    costs.store_totals(visit)
    payments.bill(visit)
    _record_follow_up(visit)
    _update_case_after_completion(visit)
    followups.plan_satisfaction_call(visit)
    if visit.service_type is ServiceType.MAINTENANCE and visit.case.asset is not None:
        maintenance.inputs_changed(visit.case.asset)  # the next one counts from this one
    audit.record("visit.completed", visit, {"outcome": visit.outcome.value}, user=visit.technician)


NOT_COMPLETED_ATTENTION = {
    NotCompletedReason.NO_ACCESS: _l("Visit could not be completed: no access"),
    NotCompletedReason.PARTS_NEEDED: _l("Visit could not be completed: parts needed"),
    NotCompletedReason.CUSTOMER_ABSENT: _l("Visit could not be completed: customer absent"),
    NotCompletedReason.OTHER: _l("Visit could not be completed: other"),
}


def not_complete(visit: Visit, reason: NotCompletedReason, note: str | None, at: datetime | None = None) -> None:
    _check_transition(visit, "not_complete")
    finished_at = technician_time(visit, at, after=visit.arrived_at or visit.travel_started_at)
    if reason is NotCompletedReason.OTHER and not (note or "").strip():
        raise DomainError(_("Say what stopped the visit."), field="note", kind="invalid")
    visit.status = VisitStatus.NOT_COMPLETED
    visit.completed_at = finished_at
    visit.not_completed_reason = reason
    visit.not_completed_note = (note or "").strip() or None
    case = visit.case
    with languages.speaking(None):  # kept on the case for the office: the company's language
        summary = (_("%(reason)s: %(note)s", reason=reason.label, note=visit.not_completed_note)
                   if visit.not_completed_note else reason.label)
        attention = str(NOT_COMPLETED_ATTENTION[reason])
    lifecycle.follow_visits(case, "visit_not_completed", summary, visit.technician, visit)
    lifecycle.raise_attention(case, attention, visit=visit)
    audit.record("visit.not_completed", visit, {"reason": reason.value}, user=visit.technician)


def _record_follow_up(visit: Visit) -> None:
    if visit.follow_up is FollowUpRecommendation.NONE or not visit.follow_up_days:
        return
    kind = FollowUpKind.CALL if visit.follow_up is FollowUpRecommendation.CALL else FollowUpKind.VISIT
    visit.case.follow_ups.append(FollowUp(
        kind=kind, source=FollowUpSource.RECOMMENDATION, visit=visit,
        due_on=clock.today() + timedelta(days=visit.follow_up_days),
        notes=visit.next_steps, created_by_id=visit.technician_id))


def _update_case_after_completion(visit: Visit) -> None:
    """The case follows all its visits (lifecycle.status_from_visits): resolved when this one
    resolved it and nothing else is planned, back in the queue when it did not."""
    case = visit.case
    with languages.speaking(None):  # kept on the case for the office: the company's language
        summary = _("%(outcome)s: %(actions)s", outcome=visit.outcome.label, actions=visit.actions_taken)
        still_planned = _("Resolved on a visit while another visit is still planned: cancel it if it is no longer "
                          "needed")
        ended = {Outcome.NOT_RESOLVED: _("Visit ended not resolved"),
                 Outcome.PARTIALLY_RESOLVED: _("Visit ended partially resolved")}
    lifecycle.follow_visits(case, "visit_completed", summary, visit.technician, visit)
    if case.status is CaseStatus.RESOLVED:
        case.resolution_summary = visit.actions_taken
    elif visit.outcome is Outcome.RESOLVED:  # another visit is still planned: is it still needed?
        lifecycle.raise_attention(case, still_planned, visit=visit)
    elif visit.outcome in ended:
        lifecycle.raise_attention(case, ended[visit.outcome], visit=visit)


def asset_history(visit: Visit, limit: int = 5) -> list[Visit]:
    """Earlier visits on the same asset, newest first, with their parts and ratings."""
    asset_id = visit.case.asset_id
    if asset_id is None:
        return []
    return list(db.session.scalars(
        select(Visit).join(Visit.case)
        .where(Case.asset_id == asset_id, Visit.id != visit.id, Visit.scheduled_start < visit.scheduled_start)
        .options(joinedload(Visit.case), joinedload(Visit.technician), joinedload(Visit.rating),
                 selectinload(Visit.parts).joinedload(VisitPart.part))
        .order_by(Visit.scheduled_start.desc())
        .limit(limit)
    ).unique())
