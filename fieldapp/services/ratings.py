"""The customer's rating of a visit, on the technician's phone or via the product's QR code."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.orm import utcnow
from fieldapp.models import ASPECTS, Complaint, ComplaintSource, Rating, RatingSource, User, Visit, VisitStatus
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
           at: datetime | None = None) -> Rating:
    """Store the one rating of this visit; a low score or a complaint flags the case. `at`: when
    the customer rated on a phone that was offline then (bounded like the visit's steps)."""
    if visit.rating is not None:
        raise DomainError(str(ALREADY_RATED))
    if source is RatingSource.ON_SITE and not can_rate_on_site(visit, at):
        if visit.status is VisitStatus.COMPLETED:
            raise DomainError(_("This visit was completed too long ago to be rated on your phone: the customer "
                                "can rate it from the product's QR label."))
        raise DomainError(_("The customer can rate once the technician has arrived."))
    rating = Rating(visit_id=visit.id, source=source, comments=(comments or "").strip() or None,
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
    _flag_case(visit, rating)
    audit.record("visit.rated", visit, {"overall": rating.overall, "source": source.value},
                 user=visit.technician if source is RatingSource.ON_SITE else None)
    return rating


def _flag_case(visit: Visit, rating: Rating) -> None:
    case = visit.case
    low = rating.overall <= LOW_RATING
    complaint = None
    if rating.complaint:
        source = ComplaintSource.ON_SITE_RATING if rating.source is RatingSource.ON_SITE else ComplaintSource.QR_RATING
        complaint = Complaint(source=source, description=rating.complaint, visit=visit)
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
