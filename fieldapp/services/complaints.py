"""Complaints (process steps 6 and 8): from a rating, the product's QR page, the phone, email,
chat or in person. Each raises an attention item on its case. The office's queue shows the open
ones oldest first with who handles them; a complaint is resolved with what was done and what the
customer said to it, and its attention item clears with it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case as sql_case, func, select, update
from sqlalchemy.orm import joinedload

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Complaint, ComplaintSource, Rating, Role, User, Visit
from fieldapp.orm import utcnow
from fieldapp.services import audit, intake, lifecycle, phones

PAGE_SIZE = 25
LOW_RATING = 2  # overall score at or below: a low rating (as services.ratings flags it)
LOW_RATING_DAYS = 14  # how long a low rating waits on the board and the queue
STATES = {"open": _l("Open"), "resolved": _l("Resolved"), "low_ratings": _l("Low ratings")}
OWNER_CHOICES = {"": _l("Anyone"), "mine": _l("Mine"), "unassigned": _l("Unassigned")}
# How a complaint reaches the office at its desk; ratings and the QR page come in by themselves.
DESK_SOURCES = (ComplaintSource.PHONE, ComplaintSource.EMAIL, ComplaintSource.CHAT, ComplaintSource.IN_PERSON)
REASON_TEXT = 140  # of the description, in the attention item's reason
# How a complaint came in, in the middle of its attention item's reason: "Complaint (phone): …".
SOURCE_IN_A_SENTENCE = {
    ComplaintSource.ON_SITE_RATING: _l("on-site rating"),
    ComplaintSource.QR_RATING: _l("QR rating"),
    ComplaintSource.PHONE: _l("phone"),
    ComplaintSource.EMAIL: _l("email"),
    ComplaintSource.CHAT: _l("chat"),
    ComplaintSource.WEB: _l("web"),
    ComplaintSource.QR_PAGE: _l("QR page"),
    ComplaintSource.IN_PERSON: _l("in person"),
}


@dataclass
class QueueFilters:
    state: str = "open"
    owner: str = ""  # "", "mine", "unassigned" or an office user's id (as text)

    def as_args(self) -> dict:
        return {"state": self.state, **({"owner": self.owner} if self.owner else {})}


@dataclass
class QueuePage:
    rows: list  # complaints, or ratings for "low_ratings"
    page: int
    has_next: bool
    counts: dict[str, int]
    filters: QueueFilters


def office_staff() -> list[User]:
    """Who may own a complaint: active dispatchers and admins."""
    return list(db.session.scalars(select(User).where(User.role.in_((Role.DISPATCHER, Role.ADMIN)),
                                                      User.active.is_(True)).order_by(User.name)))


def _owned(statement, filters: QueueFilters, user: User):
    if filters.owner == "mine":
        return statement.where(Complaint.owner_id == user.id)
    if filters.owner == "unassigned":
        return statement.where(Complaint.owner_id.is_(None))
    if filters.owner:
        return statement.where(Complaint.owner_id == int(filters.owner))
    return statement


def _low_ratings_since():
    return utcnow() - timedelta(days=LOW_RATING_DAYS)


def low_ratings():
    """Low ratings of the last days whose case still waits for someone to look at it."""
    return (select(Rating).join(Rating.case)
            .where(Rating.overall <= LOW_RATING, Rating.created_at >= _low_ratings_since(),
                   Case.needs_attention.is_(True)))


def counts(filters: QueueFilters, user: User) -> dict[str, int]:
    """Open and resolved (for the owner chosen) and low ratings, in one query."""
    low = low_ratings().with_only_columns(func.count(Rating.id)).scalar_subquery()
    row = db.session.execute(_owned(select(
        func.coalesce(func.sum(sql_case((Complaint.resolved_at.is_(None), 1), else_=0)), 0),
        func.coalesce(func.sum(sql_case((Complaint.resolved_at.is_not(None), 1), else_=0)), 0),
        low), filters, user)).one()
    return {"open": row[0], "resolved": row[1], "low_ratings": row[2]}


def queue(filters: QueueFilters, user: User, page: int = 1) -> QueuePage:
    if filters.state == "low_ratings":
        statement = (low_ratings().options(
            joinedload(Rating.case).joinedload(Case.customer),
            joinedload(Rating.case).selectinload(Case.attention_items),
            joinedload(Rating.visit).joinedload(Visit.technician))
            .order_by(Rating.created_at.desc(), Rating.id.desc()))
    else:
        statement = _owned(select(Complaint), filters, user).options(
            joinedload(Complaint.case).joinedload(Case.customer),
            joinedload(Complaint.case).joinedload(Case.asset).joinedload(Asset.product_model),
            joinedload(Complaint.owner), joinedload(Complaint.resolved_by))
        if filters.state == "resolved":
            statement = statement.where(Complaint.resolved_at.is_not(None)).order_by(
                Complaint.resolved_at.desc(), Complaint.id.desc())
        else:
            statement = statement.where(Complaint.resolved_at.is_(None)).order_by(Complaint.received_at, Complaint.id)
    rows = db.session.scalars(statement.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).unique().all()
    return QueuePage(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE, counts(filters, user), filters)


def get(complaint_id: int) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.id == complaint_id)
                             .options(joinedload(Complaint.case), joinedload(Complaint.attention_item)))


def _reason(source: ComplaintSource, description: str) -> str:
    text = " ".join(description.split())
    if len(text) > REASON_TEXT:
        text = text[:REASON_TEXT - 1] + "…"
    with lifecycle.for_the_record():
        return _("Complaint (%(source)s): %(text)s", source=SOURCE_IN_A_SENTENCE[source], text=text)


def _add(case: Case, source: ComplaintSource, description: str, user: User | None, owner: User | None = None,
         visit: Visit | None = None) -> Complaint:
    complaint = Complaint(source=source, description=description, received_at=utcnow(), owner=owner, visit=visit)
    case.complaints.append(complaint)
    complaint.attention_item = lifecycle.raise_attention(case, _reason(source, description), user, visit)
    db.session.flush()
    audit.record("complaint.received", complaint, {"case": case.id, "source": source.value}, user=user)
    return complaint


def log(case: Case, source: ComplaintSource, description: str, user: User, owner: User | None = None) -> Complaint:
    """A complaint taken by the office (phone, email, chat, in person) on a case."""
    if source not in DESK_SOURCES:
        raise DomainError(_("Choose how the complaint came in."), "source", "invalid")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Write what the customer complains about."), "description", "invalid")
    return _add(case, source, description, user, owner)


def from_qr_page(asset: Asset, name: str, phone: str | None, email: str | None, description: str) -> Case:
    """Someone at the product complains through its label: on the product's most recent open
    case, or on a new case when none is open. Who wrote it goes with the complaint, as they wrote
    it; a phone number no country has is refused at the form's "phone"."""
    phones.normalized(phone, "phone")
    description = description.strip()
    contact = ", ".join(part for part in (name.strip(), (phone or "").strip(), (email or "").strip().lower()) if part)
    open_cases = intake.open_cases_for(asset)
    if open_cases:
        case = max(open_cases, key=lambda c: (c.created_at, c.id))
    else:
        case = intake.request_from_qr(asset, name, phone, email, description, None)
    with lifecycle.for_the_record():
        signed = _("From: %(contact)s", contact=contact)
    _add(case, ComplaintSource.QR_PAGE, f"{description}\n\n{signed}", None)
    return case


def assign(complaint: Complaint, owner: User, user: User) -> None:
    if not complaint.is_open:
        raise DomainError(_("This complaint is resolved already."), kind="conflict")
    if owner.role not in (Role.DISPATCHER, Role.ADMIN) or not owner.active:
        raise DomainError(_("Choose someone in the office."), "owner_id", "invalid")
    if complaint.owner_id == owner.id:
        return
    complaint.owner = owner
    lifecycle.record(complaint.case, "complaint_assigned", _l("%(name)s handles the complaint.", name=owner.name),
                     user)
    audit.record("complaint.assigned", complaint, {"owner": owner.id}, user=user)


def resolve(complaint: Complaint, what_was_done: str, customer_response: str, user: User) -> None:
    """Resolved: what was done and the customer's answer; the complaint's attention item clears."""
    if not complaint.is_open:
        if complaint.resolved_by:
            raise DomainError(_("This complaint was resolved already by %(name)s.", name=complaint.resolved_by.name),
                              kind="conflict")
        raise DomainError(_("This complaint was resolved already."), kind="conflict")
    what_was_done, customer_response = (what_was_done or "").strip(), (customer_response or "").strip()
    errors = {}
    if not what_was_done:
        errors["resolution"] = _("Write what was done about it.")
    if not customer_response:
        errors["customer_response"] = _("Write what the customer said (or that they could not be reached).")
    if errors:
        raise DomainError(_("Fill in what is missing."), kind="invalid", errors=errors)
    case = complaint.case
    resolved = db.session.execute(  # once: of two people resolving it at the same moment, the second is refused
        update(Complaint).where(Complaint.id == complaint.id, Complaint.resolved_at.is_(None))
        .values(resolution=what_was_done, customer_response=customer_response, resolved_at=utcnow(),
                resolved_by_id=user.id))
    if resolved.rowcount != 1:
        raise DomainError(_("This complaint was resolved a moment ago by someone else."), kind="conflict")
    item = complaint.attention_item
    if item is not None and item.cleared_at is None:
        with lifecycle.for_the_record():
            cleared = _("Complaint resolved: %(what)s", what=what_was_done)
        lifecycle.clear_attention(case, item, cleared, user)
    lifecycle.record(case, "complaint_resolved", _l("%(what)s — the customer: %(answer)s", what=what_was_done,
                                                    answer=customer_response), user)
    audit.record("complaint.resolved", complaint, {"case": case.id}, user=user)
