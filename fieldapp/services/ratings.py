"""The customer's rating of a visit, on the technician's phone or via the product's QR code."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.orm import utcnow
from fieldapp.models import (
    ASPECTS, Case, CaseStatus, Complaint, ComplaintSource, Rating, RatingSource, User, Visit, VisitStatus,
)
from fieldapp.services import audit, lifecycle, sessions, visits

LOW_RATING = 2
ALREADY_RATED = _l("This visit has already been rated. Thank you!")


# The customer rates on the technician's phone while the technician is there: on site, or just
# after completing (the same working day). Later, the customer's own QR label or a survey asks.
ON_SITE_WINDOW = timedelta(hours=12)


def can_rate_on_site(visit: Visit, at: datetime | None = None) -> bool:
    """Whether the phone may take the customer's rating now (or at `at`, when a phone without
    signal took it then)."""
    if visit.rating is not None:
        return False
    if visit.status is VisitStatus.ON_SITE:
        return True
    return (visit.status is VisitStatus.COMPLETED and visit.completed_at is not None
            and (at or utcnow()) - visit.completed_at <= ON_SITE_WINDOW)


def hand_over(visit: Visit, technician: User) -> None:
    """The technician gives the phone to the customer to rate this visit: the session is locked
    to its rating screens until the technician's password or PIN takes it back."""
    if visit.rating is not None:
        raise DomainError(str(ALREADY_RATED))
    if not can_rate_on_site(visit):
        raise DomainError(_("The customer rates the visit once you are on site."))
    sessions.hand_over(technician.session_token, visit.id)


def submit(visit: Visit, scores: dict[str, int], comments: str | None, complaint: str | None,
           source: RatingSource, signer_name: str | None = None, signature_svg: str | None = None,
           at: datetime | None = None, taken_by: User | None = None) -> Rating:
    """Store the one rating of this visit; a low score or a complaint flags the case. `at`: when
    the customer rated on a phone that was offline then (bounded like the visit's steps)."""
    if visit.rating is not None:
        raise DomainError(str(ALREADY_RATED))
    if source is RatingSource.ON_SITE and not can_rate_on_site(visit, at):
        if visit.status is VisitStatus.COMPLETED:
            raise DomainError(_("This visit was completed too long ago to be rated on your phone: the customer "
                                "can rate it from the product's QR label."))
        raise DomainError(_("The customer can rate once the technician has arrived."))
    rating = Rating(visit_id=visit.id, case_id=visit.case_id, source=source, taken_by_id=taken_by.id if taken_by else None,
                    comments=(comments or "").strip() or None,
                    complaint=(complaint or "").strip() or None, signer_name=signer_name,
                    signature_svg=signature_svg, **{a: scores[a] for a in ASPECTS})
    if at is not None:
        rating.created_at = visits.technician_time(visit, at)
    try:
        with db.session.begin_nested():
            db.session.add(rating)
            db.session.flush()
    except IntegrityError:  # the other channel rated it a moment ago: one rating per visit
        raise DomainError(str(ALREADY_RATED)) from None
    db.session.expire(visit, ["rating"])
    _flag_case(visit.case, visit, rating)
    audit.record("visit.rated", visit, {"overall": rating.overall, "source": source.value},
                 user=taken_by or (visit.technician if source is RatingSource.ON_SITE else None))
    return rating


def still_to_rate(case: Case) -> tuple[list[Visit], bool]:
    """What the office may still record a rating for (one query): the case's completed visits
    not rated yet, and whether the case as a whole may be rated (solved without a completed
    visit, resolved or closed, and not rated yet)."""
    rated = set(db.session.scalars(select(Rating.visit_id).where(Rating.case_id == case.id)))
    completed = [v for v in case.visits if v.status is VisitStatus.COMPLETED]
    solved = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
    return [v for v in completed if v.id not in rated], solved and not completed and None not in rated


def take_for_case(case: Case, visit_id: int | None, scores: dict[str, int], comments: str | None,
                  complaint: str | None, by: User) -> Rating:
    """The office writes down a rating the customer gave on a call: of one of the case's completed
    visits, or (`visit_id` None) of the case as a whole, for a case solved without a visit. A
    low score or a complaint flags the case as any rating does."""
    visits, whole_case = still_to_rate(case)
    if visit_id is not None:
        visit = next((v for v in visits if v.id == visit_id), None)
        if visit is None:
            raise DomainError(_("Choose a completed visit of this case that has not been rated yet."),
                              "visit_id", "invalid")
        return submit(visit, scores, comments, complaint, RatingSource.OFFICE, taken_by=by)
    if not whole_case:
        raise DomainError(_("The case as a whole is rated only when it was solved without a visit, and once."),
                          "visit_id", "conflict")
    rating = Rating(case_id=case.id, visit_id=None, source=RatingSource.OFFICE, taken_by_id=by.id,
                    comments=(comments or "").strip() or None, complaint=(complaint or "").strip() or None,
                    **{a: scores[a] for a in ASPECTS})
    try:
        with db.session.begin_nested():
            db.session.add(rating)
            db.session.flush()
    except IntegrityError:  # rated a moment ago by someone else
        raise DomainError(_("This case has already been rated. Thank you!"), "visit_id", "conflict") from None
    _flag_case(case, None, rating)
    audit.record("case.rated", case, {"overall": rating.overall, "source": rating.source.value}, user=by)
    return rating


COMPLAINT_SOURCES = {RatingSource.ON_SITE: ComplaintSource.ON_SITE_RATING, RatingSource.QR: ComplaintSource.QR_RATING,
                     RatingSource.OFFICE: ComplaintSource.OFFICE_RATING, RatingSource.SURVEY: ComplaintSource.SURVEY_RATING}


def _flag_case(case: Case, visit: Visit | None, rating: Rating) -> None:
    low = rating.overall <= LOW_RATING
    complaint = None
    if rating.complaint:
        complaint = Complaint(source=COMPLAINT_SOURCES[rating.source], description=rating.complaint, visit=visit)
        case.complaints.append(complaint)
    if low or complaint is not None:
        with languages.speaking(None):  # kept on the case for the office: the company's language
            if low and complaint is not None:
                reason = _("Customer rated %(score)s/5 and complaint", score=rating.overall)
            elif low:
                reason = _("Customer rated %(score)s/5", score=rating.overall)
            else:
                reason = _("Customer complaint")
        item = lifecycle.raise_attention(case, reason, visit=visit)
        if complaint is not None:  # resolving the complaint clears the item
            complaint.attention_item = item
