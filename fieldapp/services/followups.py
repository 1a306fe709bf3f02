"""Follow-ups (process step 6): calls, emails, surveys and return visits the office chases,
queued by their due day in the company's time zone. One is planned from a technician's
recommendation, by a dispatcher on a case, or as a satisfaction call some days after a visit
(a company setting); each is done with an outcome, which may open a new case or put the case
back in line for a visit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case as sql_case
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    FollowUp,
    FollowUpKind,
    FollowUpSource,
    Priority,
    User,
    Visit,
)
from fieldapp.orm import LabelledEnum, utcnow
from fieldapp.services import audit, intake, lifecycle, settings

PAGE_SIZE = 25
MAX_DAYS_AHEAD = 365
BUCKETS = {"overdue": _l("Overdue"), "today": _l("Due today"), "upcoming": _l("Upcoming"), "done": _l("Done")}
DEFAULT_BUCKET = "today"
# How the customer is reached, for a case opened from a follow-up's outcome.
CHANNEL_FOR_KIND = {FollowUpKind.EMAIL: Channel.EMAIL}
# A case in one of these already has a visit coming, or is waiting for one.
VISIT_ON_ITS_WAY = (CaseStatus.VISIT_NEEDED, CaseStatus.SCHEDULED, CaseStatus.IN_PROGRESS)


class NextStep(LabelledEnum):
    NONE = "none", _l("Nothing more")
    NEW_CASE = "new_case", _l("Open a new case for this product")
    VISIT = "visit", _l("A visit is needed on this case")


@dataclass
class QueueFilters:
    bucket: str = DEFAULT_BUCKET
    kind: FollowUpKind | None = None

    def as_args(self) -> dict:
        return {"bucket": self.bucket, **({"kind": self.kind.value} if self.kind else {})}


@dataclass
class QueuePage:
    follow_ups: list[FollowUp]
    page: int
    has_next: bool
    counts: dict[str, int]
    filters: QueueFilters


def _bucket_of(today: date):
    return sql_case((FollowUp.done_at.is_not(None), "done"), (FollowUp.due_on < today, "overdue"),
                    (FollowUp.due_on == today, "today"), else_="upcoming").label("bucket")


def _where(statement, filters: QueueFilters):
    if filters.kind:
        statement = statement.where(FollowUp.kind == filters.kind)
    return statement


def counts(filters: QueueFilters, today: date | None = None) -> dict[str, int]:
    """How many follow-ups are in each bucket (of the kind chosen), in one query."""
    today = today or clock.today()
    bucket = _bucket_of(today)
    # Grouped over the pending ones only (the done pile grows for ever); the done ones just counted.
    done = _where(select(func.count(FollowUp.id)).where(FollowUp.done_at.is_not(None)), filters).scalar_subquery()
    pending = _where(select(bucket, func.count(FollowUp.id)).where(FollowUp.done_at.is_(None)), filters)
    rows = db.session.execute(pending.group_by(bucket).union_all(select(literal("done"), done))).all()
    found = dict(rows)
    return {name: found.get(name, 0) for name in BUCKETS}


def queue(filters: QueueFilters, page: int = 1) -> QueuePage:
    """One page of a bucket: the longest overdue first; done ones newest first."""
    today = clock.today()
    statement = _where(select(FollowUp), filters)
    if filters.bucket == "done":
        statement = statement.where(FollowUp.done_at.is_not(None)).order_by(FollowUp.done_at.desc(), FollowUp.id.desc())
    else:
        due = {"overdue": FollowUp.due_on < today, "today": FollowUp.due_on == today,
               "upcoming": FollowUp.due_on > today}[filters.bucket]
        statement = statement.where(FollowUp.done_at.is_(None), due).order_by(FollowUp.due_on, FollowUp.id)
    rows = db.session.scalars(
        statement.options(joinedload(FollowUp.case).joinedload(Case.customer),
                          joinedload(FollowUp.case).joinedload(Case.asset).joinedload(Asset.product_model),
                          joinedload(FollowUp.done_by))
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).unique().all()
    return QueuePage(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE, counts(filters, today), filters)


def get(follow_up_id: int) -> FollowUp | None:
    return db.session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id)
                             .options(joinedload(FollowUp.case)))


def _check_due(due_on: date) -> None:
    today = clock.today()
    if due_on < today:
        raise DomainError(_("The due date cannot be in the past."), "due_on", "invalid")
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("Pick a due date within %(num)s days.", num=MAX_DAYS_AHEAD), "due_on", "invalid")


def add(case: Case, kind: FollowUpKind, due_on: date, notes: str | None, user: User) -> FollowUp:
    """A dispatcher plans a follow-up on the case."""
    _check_due(due_on)
    notes = (notes or "").strip() or None
    follow_up = FollowUp(kind=kind, source=FollowUpSource.DISPATCHER, due_on=due_on, notes=notes,
                         created_at=utcnow(), created_by_id=user.id)
    case.follow_ups.append(follow_up)
    lifecycle.record(case, "follow_up_added", _summary(follow_up), user)
    db.session.flush()
    audit.record("follow_up.added", follow_up, {"case": case.id, "kind": kind.value}, user=user)
    return follow_up


def _summary(follow_up: FollowUp) -> str:
    with lifecycle.for_the_record():
        if follow_up.notes:
            return _("%(kind)s due %(day)s: %(notes)s", kind=follow_up.kind.label,
                     day=clock.day_text(follow_up.due_on), notes=follow_up.notes)
        return _("%(kind)s due %(day)s", kind=follow_up.kind.label, day=clock.day_text(follow_up.due_on))


@dataclass
class Completed:
    follow_up: FollowUp
    next_step: NextStep
    new_case: Case | None = None


def _already_done(follow_up: FollowUp) -> DomainError:
    who = follow_up.done_by.name if follow_up.done_by else None
    day = clock.day_text(clock.local(follow_up.done_at).date()) if follow_up.done_at else None
    if who and day:
        message = _("This follow-up was already done by %(name)s on %(day)s.", name=who, day=day)
    elif who:
        message = _("This follow-up was already done by %(name)s.", name=who)
    elif day:
        message = _("This follow-up was already done on %(day)s.", day=day)
    else:
        message = _("This follow-up was already done.")
    return DomainError(message, kind="conflict")


def complete(follow_up: FollowUp, outcome: str, user: User, next_step: NextStep = NextStep.NONE) -> Completed:
    """Done, with what came of it; a new case, or the case back in line for a visit, if asked.
    Only once: of two people finishing it at the same moment, the second is refused."""
    if follow_up.is_done:
        raise _already_done(follow_up)
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Write what came of it."), "outcome", "invalid")
    case = follow_up.case
    marked = db.session.execute(
        update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.done_at.is_(None))
        .values(done_at=utcnow(), done_by_id=user.id, outcome=outcome))
    if marked.rowcount != 1:
        db.session.refresh(follow_up)
        raise _already_done(follow_up)
    new_case = None
    if next_step is NextStep.NEW_CASE:
        new_case = _open_new_case(follow_up, outcome, user)
    with lifecycle.for_the_record():
        if new_case is not None:
            note = _("%(kind)s: %(outcome)s — new case %(number)s opened", kind=follow_up.kind.label,
                     outcome=outcome, number=new_case.number)
        else:
            note = _("%(kind)s: %(outcome)s", kind=follow_up.kind.label, outcome=outcome)
    lifecycle.record(case, "follow_up_done", note, user)
    if next_step is NextStep.VISIT:
        _visit_needed(case, outcome, user)
    audit.record("follow_up.done", follow_up, {"case": case.id, "next": next_step.value}, user=user)
    return Completed(follow_up, next_step, new_case)


def _open_new_case(follow_up: FollowUp, outcome: str, user: User) -> Case:
    """The same product and customer, the case's contact copied; the outcome describes it."""
    case = follow_up.case
    if case.customer is None:
        raise DomainError(_("This case has no customer record: open the new case from New request."), "next_step",
                          "invalid")
    contact = {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email,
               "preferred_time": case.preferred_time}
    asset = case.asset
    new_case = intake.take_request(
        case.customer, asset, CHANNEL_FOR_KIND.get(follow_up.kind, Channel.PHONE), CaseType.REPAIR, Priority.NORMAL,
        outcome, contact, user, allow_duplicate=True,
        new_customer=asset is not None and asset.customer_id != case.customer_id)
    lifecycle.record(new_case, "note", _l("Opened from a follow-up on %(number)s", number=case.number), user)
    return new_case


def _visit_needed(case: Case, outcome: str, user: User) -> None:
    """Back in line for a visit: a finished case is reopened first."""
    if case.status in VISIT_ON_ITS_WAY:
        return
    if not case.status.is_open:
        lifecycle.move(case, CaseStatus.REOPENED, "reopened", _l("After a follow-up: %(outcome)s", outcome=outcome),
                       user)
    lifecycle.move(case, CaseStatus.VISIT_NEEDED, "status", _l("A follow-up found a visit is needed."), user)


# --- Planned automatically when a visit is completed -------------------------------------------------

def plan_satisfaction_call(visit: Visit) -> FollowUp | None:
    """When the company wants them: a call some days after the visit just completed; one per visit."""
    days = settings.current().satisfaction_call_days
    if not days:
        return None
    if db.session.scalar(select(FollowUp.id).where(FollowUp.visit_id == visit.id,
                                                   FollowUp.source == FollowUpSource.SATISFACTION)) is not None:
        return None
    day = clock.local(visit.completed_at or utcnow()).date()
    with lifecycle.for_the_record():
        notes = _("How did the visit go?")
    follow_up = FollowUp(kind=FollowUpKind.CALL, source=FollowUpSource.SATISFACTION, visit=visit,
                         due_on=day + timedelta(days=days), notes=notes, created_at=utcnow())
    visit.case.follow_ups.append(follow_up)
    with lifecycle.for_the_record():
        note = _("Satisfaction call due %(day)s", day=clock.day_text(follow_up.due_on))
    lifecycle.record(visit.case, "follow_up_added", note, visit=visit)
    return follow_up
