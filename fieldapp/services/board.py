"""The dispatcher's board: the queue of cases waiting for the office, and the technicians'
lanes for a day or a week. Sorted, filtered and paged in SQL: with thousands of open cases a
new urgent one is still on the first page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case as sql_case, func, select
from sqlalchemy.orm import joinedload, selectinload

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    OPEN_CASE_STATUSES, Asset, Case, CaseStatus, Channel, Complaint, FollowUp, Priority, Rating, User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import complaints, outbox, settings, sla

QUEUE_PAGE = 25
LANES_PAGE = 8  # technicians per page of lanes: a company of fifty is not one screen
# Open cases that wait for the office (a planned or running visit takes a case off the queue).
QUEUE_STATUSES = [s for s in OPEN_CASE_STATUSES if s not in (CaseStatus.SCHEDULED, CaseStatus.IN_PROGRESS)]
PRIORITY_RANK = sql_case({Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3},
                         value=Case.priority, else_=4)


@dataclass
class QueueFilters:
    status: CaseStatus | None = None
    priority: Priority | None = None
    channel: Channel | None = None

    def as_args(self) -> dict:
        return {k: v.value for k, v in vars(self).items() if v is not None}


@dataclass
class QueuePage:
    cases: list[Case]
    page: int
    has_next: bool
    filters: QueueFilters = field(default_factory=QueueFilters)


def queue(filters: QueueFilters, page: int = 1) -> QueuePage:
    """Attention first, then priority, then the oldest; one page, and whether more follow."""
    statement = select(Case).where(Case.status.in_([filters.status] if filters.status else QUEUE_STATUSES))
    if filters.priority:
        statement = statement.where(Case.priority == filters.priority)
    if filters.channel:
        statement = statement.where(Case.channel == filters.channel)
    rows = db.session.scalars(
        statement.options(joinedload(Case.asset).joinedload(Asset.product_model), joinedload(Case.customer),
                          # the service-target clocks read the timeline and any contract in force
                          selectinload(Case.events), joinedload(Case.asset).selectinload(Asset.coverages))
        .order_by(Case.needs_attention.desc(), PRIORITY_RANK, Case.created_at, Case.id)
        .offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE + 1)
    ).unique().all()
    return QueuePage(list(rows[:QUEUE_PAGE]), page, len(rows) > QUEUE_PAGE, filters)


def queue_clocks(cases: list[Case]) -> dict[int, sla.CaseClocks | None]:
    """Each queued case's service-target clocks, against one read of the targets."""
    now, by_priority = utcnow(), settings.targets()
    return {case.id: sla.clocks(case, now, by_priority) for case in cases}


@dataclass
class NeedsYou:
    """After the visits: what waits for the office (the board's "Needs you" strip)."""
    open_complaints: int
    low_ratings: int
    overdue_follow_ups: int
    follow_ups_today: int
    mail_trouble: int  # email that could not be sent (shown apart, as a warning)

    def __bool__(self) -> bool:
        return any((self.open_complaints, self.low_ratings, self.overdue_follow_ups, self.follow_ups_today))


def needs_you() -> NeedsYou:
    """Open complaints, recent low ratings whose case still needs attention, and follow-ups
    overdue or due today (the company's today): one query."""
    today = clock.today()
    pending = select(func.count(FollowUp.id)).where(FollowUp.done_at.is_(None))
    row = db.session.execute(select(
        select(func.count(Complaint.id)).where(Complaint.resolved_at.is_(None)).scalar_subquery(),
        complaints.low_ratings().with_only_columns(func.count(Rating.id)).scalar_subquery(),
        pending.where(FollowUp.due_on < today).scalar_subquery(),
        pending.where(FollowUp.due_on == today).scalar_subquery(),
        outbox.trouble_query().scalar_subquery(),
    )).one()
    return NeedsYou(*row)


def queue_counts() -> dict[CaseStatus, int]:
    rows = db.session.execute(select(Case.status, func.count(Case.id))
                              .where(Case.status.in_(OPEN_CASE_STATUSES)).group_by(Case.status)).all()
    return {status: count for status, count in rows}


@dataclass
class LanePage:
    technicians: list[User]
    page: int
    has_next: bool

    @property
    def first_number(self) -> int:
        return (self.page - 1) * LANES_PAGE + 1


def lane_page(technicians: list[User], page: int) -> LanePage:
    start = (page - 1) * LANES_PAGE
    return LanePage(technicians[start:start + LANES_PAGE], page, len(technicians) > start + LANES_PAGE)


def lanes(first: date, days: int, technicians: list[User]) -> dict[User, list[Visit]]:
    """Each technician's visits from `first` for `days` days (cancelled ones left out)."""
    start, _ = clock.day_bounds(first)
    _, end = clock.day_bounds(first + timedelta(days=days - 1))
    visits = db.session.scalars(
        select(Visit).where(Visit.scheduled_start >= start, Visit.scheduled_start < end,
                            Visit.status != VisitStatus.CANCELLED,
                            Visit.technician_id.in_([t.id for t in technicians]))
        .options(joinedload(Visit.case).joinedload(Case.customer),
                 joinedload(Visit.case).joinedload(Case.asset).joinedload(Asset.product_model))
        .order_by(Visit.scheduled_start)
    ).unique().all()
    by_technician = {t: [] for t in technicians}
    by_id = {t.id: t for t in technicians}
    for visit in visits:
        by_technician[by_id[visit.technician_id]].append(visit)
    return by_technician
