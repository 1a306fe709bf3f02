"""A technician's recommendations after a visit (a check-up, a repair, an upgrade by a date), and
what the office does with each: plan a follow-up for it, open a new case for it, or note that the
customer declined. The report lists them under Future Services/Support."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    CaseType, Channel, FollowUpKind, Priority, Recommendation, RecommendationKind, RecommendationStatus, User,
    Visit,
)
from fieldapp.services import audit, followups, intake, lifecycle, visits

MAX_YEARS_AHEAD = 10
CASE_TYPE = {RecommendationKind.MAINTENANCE: CaseType.MAINTENANCE, RecommendationKind.UPGRADE: CaseType.INSTALLATION}


def add(visit: Visit, kind: RecommendationKind, what: str, due_on: date | None, at=None) -> Recommendation:
    """The technician recommends something from the visit (while it is open)."""
    visits.ensure_editable(visit)
    visits.technician_time(visit, at)
    what = (what or "").strip()
    if not what:
        raise DomainError(_("Say what you recommend."), "what", "invalid")
    _check_due(due_on)
    recommendation = Recommendation(kind=kind, what=what, due_on=due_on, case_id=visit.case_id)
    visit.recommendations.append(recommendation)
    db.session.flush()
    audit.record("visit.recommended", visit, {"kind": kind.value}, user=visit.technician)
    return recommendation


def remove(visit: Visit, recommendation: Recommendation) -> None:
    visits.ensure_editable(visit)
    visit.recommendations.remove(recommendation)
    audit.record("visit.recommendation_removed", visit, {"kind": recommendation.kind.value}, user=visit.technician)


def _check_due(due_on: date | None) -> None:
    if due_on is None:
        return
    today = clock.today()
    if due_on < today:
        raise DomainError(_("The date it is due by cannot be in the past."), "due_on", "invalid")
    if due_on > today + timedelta(days=365 * MAX_YEARS_AHEAD):
        raise DomainError(_("Pick a date within %(num)s years.", num=MAX_YEARS_AHEAD), "due_on", "invalid")


def _open(recommendation: Recommendation) -> None:
    if not recommendation.status.is_open:
        raise DomainError(_("This recommendation was handled already: %(status)s.",
                            status=recommendation.status.label), kind="conflict")


def plan_follow_up(recommendation: Recommendation, kind: FollowUpKind, due_on: date, by: User):
    """A follow-up on the case for it (a call to offer it, a return visit), with what was recommended."""
    _open(recommendation)
    follow_up = followups.add(recommendation.case, kind, due_on, describe(recommendation), by)
    recommendation.status, recommendation.follow_up, recommendation.handled_by_id = (
        RecommendationStatus.FOLLOW_UP, follow_up, by.id)
    return follow_up


def open_case(recommendation: Recommendation, by: User):
    """A new case for it: same customer and product, the recommendation as its description."""
    _open(recommendation)
    case = recommendation.case
    if case.customer is None:
        raise DomainError(_("This case has no customer record: open the new case from New request."), kind="invalid")
    contact = {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email,
               "preferred_time": case.preferred_time}
    new_case = intake.take_request(
        case.customer, case.asset, Channel.PHONE, CASE_TYPE.get(recommendation.kind, CaseType.REPAIR),
        Priority.NORMAL, describe(recommendation), contact, by, allow_duplicate=True,
        new_customer=case.asset is not None and case.asset.customer_id != case.customer_id)
    lifecycle.record(new_case, "note", _l("Opened from a recommendation on %(number)s", number=case.number), by)
    recommendation.status, recommendation.new_case, recommendation.handled_by_id = (
        RecommendationStatus.CASE_OPENED, new_case, by.id)
    return new_case


def decline(recommendation: Recommendation, by: User) -> None:
    _open(recommendation)
    recommendation.status, recommendation.handled_by_id = RecommendationStatus.DECLINED, by.id
    lifecycle.record(recommendation.case, "note",
                     _l("The customer declined the recommendation: %(what)s", what=recommendation.what), by)


def describe(recommendation: Recommendation) -> str:
    """"Check-up: replace the anode (by 1 Dec 2027)" in the reader's language."""
    if recommendation.due_on:
        return _("%(kind)s: %(what)s (by %(day)s)", kind=recommendation.kind.label, what=recommendation.what,
                 day=clock.day_text(recommendation.due_on))
    return _("%(kind)s: %(what)s", kind=recommendation.kind.label, what=recommendation.what)
