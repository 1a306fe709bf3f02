"""The links a customer answers by, without an account: issued with a message, found by their
token, and refused, with the reason, once what they are about is over or staff revoked them.

How long each works:
- the status page: while the case is open, and 30 days after it is closed or cancelled;
- a visit's confirm/move/cancel: until the visit's window ends, or it starts, ends or is cancelled;
- a survey: its days (setting), and once answered it is spent;
- unsubscribing: a year (an old message's link still works).
Each also has a fixed last day (`expires_at`), so no link lives for ever."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import joinedload

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Case, CaseEvent, CaseStatus, CustomerLink, LinkPurpose, User, Visit, VisitStatus
from fieldapp.models.messaging import new_link_token
from fieldapp.orm import utcnow
from fieldapp.services import audit, lifecycle, settings
from fieldapp.values import is_url_token

PATHS = {LinkPurpose.STATUS: "/my/", LinkPurpose.VISIT: "/my/visit/", LinkPurpose.SURVEY: "/my/survey/",
         LinkPurpose.UNSUBSCRIBE: "/my/stop/"}
CLOSED_CASE_DAYS = 30
LONGEST = {LinkPurpose.STATUS: timedelta(days=365), LinkPurpose.VISIT: timedelta(days=120),
           LinkPurpose.UNSUBSCRIBE: timedelta(days=365)}


class Refusal(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"


def url(link: CustomerLink) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + PATHS[link.purpose] + link.token


_PENDING = "fieldapp.customer_links.pending"  # session.info: links issued in the open transaction


def _issue(purpose: LinkPurpose, expires_at: datetime, **about) -> CustomerLink:
    """A new link, written with the transaction (a cron run writes hundreds in one go)."""
    link = CustomerLink(token=new_link_token(), purpose=purpose, expires_at=expires_at, created_at=utcnow(), **about)
    db.session.add(link)
    db.session.info.setdefault(_PENDING, {})[_key(purpose, about)] = link
    return link


def _key(purpose: LinkPurpose, about: dict) -> tuple:
    return purpose, tuple(sorted(about.items()))


def _reuse(purpose: LinkPurpose, **about) -> CustomerLink | None:
    """A link already sent for the same thing, still good: one link per thing, not one per message."""
    pending = db.session.info.get(_PENDING, {}).get(_key(purpose, about))
    if pending is not None:
        return pending
    query = select(CustomerLink).where(CustomerLink.purpose == purpose, CustomerLink.revoked_at.is_(None),
                                       CustomerLink.used_at.is_(None), CustomerLink.expires_at > utcnow())
    for column, value in about.items():
        query = query.where(getattr(CustomerLink, column) == value)
    with db.session.no_autoflush:  # what this transaction issued is in _PENDING
        return db.session.scalar(query.order_by(CustomerLink.id.desc()).limit(1))


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_rollback")
def _transaction_ended(session) -> None:
    session.info.pop(_PENDING, None)


def for_status(case: Case) -> CustomerLink:
    return _reuse(LinkPurpose.STATUS, case_id=case.id) or _issue(
        LinkPurpose.STATUS, utcnow() + LONGEST[LinkPurpose.STATUS], case_id=case.id)


def for_visit(visit: Visit) -> CustomerLink:
    return _reuse(LinkPurpose.VISIT, visit_id=visit.id) or _issue(
        LinkPurpose.VISIT, utcnow() + LONGEST[LinkPurpose.VISIT], visit_id=visit.id, case_id=visit.case_id)


def for_survey(visit: Visit) -> CustomerLink:
    days = settings.current().survey_valid_days
    return _reuse(LinkPurpose.SURVEY, visit_id=visit.id) or _issue(
        LinkPurpose.SURVEY, utcnow() + timedelta(days=days), visit_id=visit.id, case_id=visit.case_id)


def for_unsubscribe(address: str, case: Case | None) -> CustomerLink:
    customer_id = case.customer_id if case is not None else None
    return _reuse(LinkPurpose.UNSUBSCRIBE, address=address) or _issue(
        LinkPurpose.UNSUBSCRIBE, utcnow() + LONGEST[LinkPurpose.UNSUBSCRIBE], address=address,
        customer_id=customer_id, case_id=case.id if case is not None else None)


def live(purpose: LinkPurpose, **about) -> CustomerLink | None:
    """The newest link sent for this thing that still works (to offer it again on a page)."""
    link = _reuse(purpose, **about)
    return link if link is not None and still_good(link) else None


def find(token: str, purpose: LinkPurpose) -> tuple[CustomerLink | None, Refusal | None]:
    """The link and None, or what is wrong with it (the link too, when there is one: its case
    tells whom to contact)."""
    if not is_url_token(token):
        return None, Refusal.UNKNOWN
    link = db.session.scalar(select(CustomerLink).where(CustomerLink.token == token))
    if link is None or link.purpose is not purpose:
        return None, Refusal.UNKNOWN
    if link.revoked_at is not None:
        return link, Refusal.REVOKED
    if link.used_at is not None and purpose is LinkPurpose.SURVEY:
        return link, Refusal.USED
    if not still_good(link):
        return link, Refusal.EXPIRED
    return link, None


def still_good(link: CustomerLink, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if link.revoked_at is not None or link.expires_at <= now:
        return False
    if link.purpose is LinkPurpose.STATUS:
        ended = _ended_at(link.case)
        return ended is None or now - ended <= timedelta(days=CLOSED_CASE_DAYS)
    if link.purpose is LinkPurpose.VISIT:
        visit = link.visit
        return visit.status is VisitStatus.SCHEDULED and visit.scheduled_end > now
    return True


def _ended_at(case: Case) -> datetime | None:
    """When a closed or cancelled case ended; None while it is open."""
    if case.status not in (CaseStatus.CLOSED, CaseStatus.CANCELLED):
        return None
    return db.session.scalar(select(func.max(CaseEvent.at)).where(CaseEvent.case_id == case.id,
                                                                  CaseEvent.to_status == case.status)) or utcnow()


def live_for_case(case: Case) -> list[CustomerLink]:
    """The case's links that still work, for the office (who can revoke them)."""
    links = db.session.scalars(select(CustomerLink).options(joinedload(CustomerLink.visit))
                               .where(CustomerLink.case_id == case.id, CustomerLink.revoked_at.is_(None),
                                      CustomerLink.expires_at > utcnow())
                               .order_by(CustomerLink.created_at.desc(), CustomerLink.id.desc()))
    return [link for link in links if still_good(link) and not (link.used_at and link.purpose is LinkPurpose.SURVEY)]


def revoke(link: CustomerLink, user: User) -> None:
    if link.revoked_at is not None:
        raise DomainError(_("This link was revoked already."), kind="conflict")
    link.revoked_at = utcnow()
    link.revoked_by_id = user.id
    audit.record("customer_link.revoked", link, {"purpose": link.purpose.value}, user=user)
    if link.case is not None:
        with lifecycle.for_the_record():
            note = _("%(purpose)s: the link sent to the customer no longer works", purpose=link.purpose.label)
        lifecycle.record(link.case, "link_revoked", note, user)
