"""Preventive maintenance: the one rule for when a product is due, and the planner that puts a
maintenance case in the queue for each due date, once, however often it runs.

The rule. The interval is the model's maintenance interval; a warranty or contract in force
today that includes N maintenance visits a year shortens it to 12 // N months (a model without
an interval still gets maintenance then). The base is the last completed maintenance visit (its
day in the company's time zone), else the sales date; the product is due the interval later,
month arithmetic clamped to the month's end (31 Jan + 1 month = 28/29 Feb). The public QR page
and the planner both read it from `due()` / `_dues()` below, so they cannot disagree.

The planner reads one row per candidate product from SQL (model interval, visits included,
last maintenance, sales date, whether a maintenance case is open, latest planned due date), filtered to what falls due
within the horizon, and computes the date in Python with the same function the public page uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case as sql_case, exists, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.dates import add_months
from fieldapp.extensions import db
from fieldapp.models import (
    OPEN_CASE_STATUSES, Asset, Case, CaseStatus, CaseType, Channel, Coverage, Priority, ProductModel, ServiceType,
    User, Visit, VisitStatus,
)
from fieldapp.orm import utcnow
from fieldapp.services import audit, lifecycle
from fieldapp.services.numbering import next_case_number

MAX_HORIZON_WEEKS = 52
CHUNK = 500  # ids per IN (...) list
# A planned maintenance case is booked by phoning the customer: no existing channel says
# "the planner", and the opened event says where the case really came from.
CHANNEL = Channel.PHONE
# Planned upkeep waits behind faults in the queue (and its service targets are the low ones).
PRIORITY = Priority.LOW


def contract_months(visits_per_year: int) -> int | None:
    """The interval a contract's included visits imply: 12 // N months, at least one."""
    if visits_per_year <= 0:
        return None
    return max(1, 12 // visits_per_year)


def interval(model_months: int | None, visits_per_year: int) -> tuple[int, str] | None:
    """(months, reason): "contract" when included visits set the pace, else "interval"."""
    contract = contract_months(visits_per_year)
    if contract is not None and (not model_months or contract <= model_months):
        return contract, "contract"
    if model_months:
        return model_months, "interval"
    return None


def due_date(model_months: int | None, visits_per_year: int, last_maintenance: date | None,
             sales_date: date) -> date | None:
    """THE rule: when maintenance is next due (it may lie in the past: overdue)."""
    found = interval(model_months, visits_per_year)
    if found is None:
        return None
    return add_months(last_maintenance or sales_date, found[0])


@dataclass(frozen=True)
class Due:
    asset_id: int
    due_on: date
    months: int
    reason: str  # "interval" (the model's) or "contract" (visits included)
    visits_per_year: int
    last_maintenance: date | None
    planned: bool  # a case for this very due date exists (open or not)
    open_case: bool  # another maintenance case is open for the product

    @property
    def proposed(self) -> bool:
        return not self.planned and not self.open_case


@dataclass(frozen=True)
class Preview:
    horizon_weeks: int
    until: date
    proposals: list[Due]  # what plan() would create, soonest first
    already_planned: int


@dataclass(frozen=True)
class PlanResult:
    created: int
    already_planned: int


def _candidates(today: date, asset_id: int | None = None):
    """One row per product that can fall due: its model interval, the visits a coverage in
    force today includes, its last completed maintenance, sales date, whether a maintenance case
    is open and the latest due date planned.

    For one product (the QR page) each figure is a lookup by that product. For the planner, over
    every product, each is one grouped pass instead (the last maintenance of 100,000 products
    looked up one by one takes seconds; grouped from the maintenance visits, a third of one)."""
    in_force = and_(Coverage.starts_on <= today, Coverage.ends_on >= today)
    maintenance_done = and_(Visit.status == VisitStatus.COMPLETED, Visit.service_type == ServiceType.MAINTENANCE)
    open_maintenance = and_(Case.case_type == CaseType.MAINTENANCE, Case.status.in_(OPEN_CASE_STATUSES))
    # The latest due date planned for the product: one step down the unique (asset, due date) index.
    last_planned = (select(func.max(Case.maintenance_due_on)).where(Case.asset_id == Asset.id)
                    .correlate(Asset).scalar_subquery())
    if asset_id is not None:
        visits = (select(func.max(Coverage.maintenance_visits_per_year))
                  .where(Coverage.asset_id == Asset.id, in_force).correlate(Asset).scalar_subquery())
        last_done = (select(func.max(Visit.completed_at)).join(Case, Visit.case_id == Case.id)
                     .where(Case.asset_id == Asset.id, maintenance_done).correlate(Asset).scalar_subquery())
        open_case = exists().where(Case.asset_id == Asset.id, open_maintenance).correlate(Asset)
        statement = select(Asset.id.label("asset_id"), Asset.sales_date.label("sales_date"),
                           ProductModel.maintenance_interval_months.label("model_months"),
                           func.coalesce(visits, 0).label("visits"), last_done.label("last_done"),
                           open_case.label("open_case"), last_planned.label("last_planned"))
        statement = statement.join(ProductModel, Asset.product_model_id == ProductModel.id).where(Asset.id == asset_id)
    else:
        covered = (select(Coverage.asset_id, func.max(Coverage.maintenance_visits_per_year).label("visits"))
                   .where(in_force).group_by(Coverage.asset_id).cte("covered"))
        done = (select(Case.asset_id, func.max(Visit.completed_at).label("last_done"))
                .join(Case, Visit.case_id == Case.id).where(maintenance_done).group_by(Case.asset_id).cte("done"))
        # Open cases are few among 800,000: SQLite's statistics know only the average per status.
        opened = (select(Case.asset_id).where(open_maintenance)
                  .with_hint(Case, "INDEXED BY ix_cases_status", dialect_name="sqlite")
                  .cte("opened").prefix_with("MATERIALIZED"))
        statement = (select(Asset.id.label("asset_id"), Asset.sales_date.label("sales_date"),
                            ProductModel.maintenance_interval_months.label("model_months"),
                            func.coalesce(covered.c.visits, 0).label("visits"), done.c.last_done.label("last_done"),
                            exists().where(opened.c.asset_id == Asset.id).label("open_case"),
                            last_planned.label("last_planned"))
                     .join(ProductModel, Asset.product_model_id == ProductModel.id)
                     .outerjoin(covered, covered.c.asset_id == Asset.id)
                     .outerjoin(done, done.c.asset_id == Asset.id))
    # Computed once per product: inlined, each CASE branch of _within() would compute it again.
    return statement.cte("candidates").prefix_with("MATERIALIZED")


def _latest_base(months: int, until: date) -> date:
    """The latest base date whose due date (base + months, clamped) is on or before `until`."""
    base = add_months(until, -months)
    while add_months(base + timedelta(days=1), months) <= until:
        base += timedelta(days=1)
    return base


def _within(rows, until: date):
    """SQL filter: the product's effective interval (the same `interval()` rule, as a CASE) from
    its base reaches `until` at the latest. Exact, so Python only computes the date."""
    by_visits = sql_case(*[(rows.c.visits == n, contract_months(n)) for n in range(1, 13)], else_=1)
    effective = sql_case((and_(rows.c.visits > 0, or_(rows.c.model_months.is_(None),
                                                       by_visits <= rows.c.model_months)), by_visits),
                         else_=rows.c.model_months)
    model_intervals = set(db.session.scalars(select(ProductModel.maintenance_interval_months).distinct()
                                             .where(ProductModel.maintenance_interval_months.is_not(None))))
    conditions = []
    for months in sorted(model_intervals | {contract_months(n) for n in range(1, 13)}):
        latest = _latest_base(months, until)
        end_of_latest = clock.day_bounds(latest)[1]
        conditions.append(and_(effective == months, or_(
            and_(rows.c.last_done.is_(None), rows.c.sales_date <= latest), rows.c.last_done < end_of_latest)))
    return or_(*conditions) if conditions else false()


def _dues(today: date, until: date | None = None, asset_id: int | None = None) -> list[Due]:
    rows = _candidates(today, asset_id)
    statement = select(rows).where(or_(rows.c.model_months.is_not(None), rows.c.visits > 0))
    if until is not None:
        statement = statement.where(_within(rows, until))
    tz = clock.zone()
    found = []
    for row in db.session.execute(statement):
        last = row.last_done.astimezone(tz).date() if row.last_done else None
        months, reason = interval(row.model_months, row.visits)
        due_on = due_date(row.model_months, row.visits, last, row.sales_date)
        if until is None or due_on <= until:
            found.append((row.asset_id, due_on, months, reason, row.visits, last, bool(row.open_case),
                          row.last_planned))
    # A pair is planned when it is the product's latest planned date; only a later planned date
    # (the interval shortened since) needs a look at the product's other planned dates.
    later = _planned_pairs([(f[0], f[1]) for f in found if f[7] is not None and f[7] > f[1]])
    dues = [Due(asset, due_on, months, reason, visits, last, last_planned == due_on or (asset, due_on) in later,
                open_case)
            for asset, due_on, months, reason, visits, last, open_case, last_planned in found]
    dues.sort(key=lambda d: (d.due_on, d.asset_id))
    return dues


def _planned_pairs(pairs: list[tuple[int, date]]) -> set[tuple[int, date]]:
    """Which (product, due date) pairs already have their maintenance case."""
    wanted, planned = set(pairs), set()
    ids = sorted({asset_id for asset_id, _ in pairs})
    for start in range(0, len(ids), CHUNK):  # by product: the unique index's first column
        planned.update(pair for pair in db.session.execute(
            select(Case.asset_id, Case.maintenance_due_on)
            .where(Case.asset_id.in_(ids[start:start + CHUNK]), Case.maintenance_due_on.is_not(None)))
            .tuples() if pair in wanted)
    return planned


def due(asset: Asset, today: date | None = None) -> Due | None:
    """When `asset` is next due for maintenance (what the public QR page shows), or None."""
    found = _dues(today or clock.today(), asset_id=asset.id)
    return found[0] if found else None


def due_on(asset: Asset, today: date | None = None) -> date | None:
    found = due(asset, today)
    return found.due_on if found else None


def horizon(weeks: int, today: date) -> date:
    return today + timedelta(weeks=weeks)


def preview(horizon_weeks: int, today: date) -> Preview:
    """What the planner would propose: products due by the horizon (overdue ones too) that
    have neither a case for that due date nor another open maintenance case."""
    until = horizon(horizon_weeks, today)
    dues = _dues(today, until)
    proposals = [d for d in dues if d.proposed]
    return Preview(horizon_weeks, until, proposals, len(dues) - len(proposals))


def assets_for(dues: list[Due]) -> dict[int, Asset]:
    """The products of some dues, with customer and model, in few queries."""
    ids = [d.asset_id for d in dues]
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update((a.id, a) for a in db.session.scalars(
            select(Asset).where(Asset.id.in_(ids[start:start + CHUNK]))
            .options(joinedload(Asset.customer), joinedload(Asset.product_model))))
    return found


def describe(due: Due) -> str:
    if due.reason == "contract":
        times = "once" if due.visits_per_year == 1 else f"{due.visits_per_year} times"
        return f"Contract: maintenance {times} a year"
    return f"Every {due.months} month{'s' if due.months != 1 else ''} (model)"


def plan(horizon_weeks: int, today: date, user: User | None = None) -> PlanResult:
    """Create one maintenance case per product due by the horizon. Run it as often as you like:
    a due date that has its case is skipped (checked first, and guaranteed by the unique
    (asset, due date) constraint: a concurrent run that got there first makes the insert fail
    inside its own savepoint, and that product counts as already planned)."""
    previewed = preview(horizon_weeks, today)
    assets = assets_for(previewed.proposals)
    created = 0
    for due_item in previewed.proposals:
        asset = assets.get(due_item.asset_id)
        if asset is None:  # removed since the preview
            continue
        try:
            with db.session.begin_nested():
                _open_case(asset, due_item, user)
        except IntegrityError:
            continue
        created += 1
    return PlanResult(created, previewed.already_planned + len(previewed.proposals) - created)


def _open_case(asset: Asset, due_item: Due, user: User | None) -> Case:
    now = utcnow()
    customer = asset.customer
    case = Case(number=next_case_number(clock.local(now).year), asset=asset,
                customer=customer, status=CaseStatus.NEW, created_at=now, channel=CHANNEL,
                case_type=CaseType.MAINTENANCE, priority=PRIORITY, created_by=user,
                description=f"Preventive maintenance due {due_item.due_on:%d %b %Y}",
                maintenance_due_on=due_item.due_on, contact_name=customer.name, contact_phone=customer.phone,
                contact_email=customer.email)
    db.session.add(case)
    db.session.flush()  # the unique (asset, due date) constraint speaks here
    lifecycle.opened(case, user, f"Proposed by the maintenance planner: {describe(due_item).lower()}")
    audit.record("case.maintenance_planned", case, {"asset": asset.id, "due_on": due_item.due_on.isoformat()},
                 user=user)
    db.session.flush()
    return case


def open_cases(page: int, per_page: int) -> tuple[list[Case], bool]:
    """Open maintenance cases, soonest due first (cases opened by hand, without a due date, last)."""
    rows = db.session.scalars(
        select(Case).where(Case.case_type == CaseType.MAINTENANCE, Case.status.in_(OPEN_CASE_STATUSES))
        .options(joinedload(Case.asset).joinedload(Asset.product_model), joinedload(Case.customer))
        .order_by(Case.maintenance_due_on.is_(None), Case.maintenance_due_on, Case.id)
        .offset((page - 1) * per_page).limit(per_page + 1)).all()
    return list(rows[:per_page]), len(rows) > per_page
