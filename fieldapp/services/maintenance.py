"""Preventive maintenance: the one rule for when a product is due, and the planner that puts a
maintenance case in the queue for each due date, once, however often it runs.

The rule. The interval is the model's maintenance interval; a warranty or contract in force
today that includes N maintenance visits a year shortens it to 12 // N months (a model without
an interval still gets maintenance then). The base is the last completed maintenance visit (its
day in the company's time zone), else the sales date; the product is due the interval later,
month arithmetic clamped to the month's end (31 Jan + 1 month = 28/29 Feb). The public QR page
and the planner both read it from `due()` / `_dues()` below, so they cannot disagree.

Each product's next due date is stored (assets.maintenance_due_on), with the day it was computed
and the last day it holds: the planner pages through those in SQL. Whatever changes an input of
the rule calls `inputs_changed` (or `model_changed`); the passing of time is caught by the day
it holds, and `flask plan-maintenance` computes again, daily, what no longer holds. Computing
reads one row per product from SQL (model interval, visits included, last maintenance, sales
date, whether a maintenance case is open, latest planned due date) and applies `due_date()` in
Python: the same function the public QR page uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _, ngettext
from sqlalchemy import Select, and_, case as sql_case, exists, false, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fieldapp import clock, languages
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
MANY = 20 * CHUNK  # more products than this are computed in one grouped pass over all of them
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
    """What plan() would create: `count` proposals (product, due date), soonest first, read a
    page at a time; `already_planned` more fall due by the horizon but have their case."""
    horizon_weeks: int
    until: date
    count: int
    already_planned: int
    _stored: Select  # the stored proposals, ordered
    _live: list[tuple[date, int]]  # proposals computed here (stored dates that do not hold)

    def page(self, number: int, size: int) -> list[tuple[int, date]]:
        start = (number - 1) * size
        if not self._live:  # the usual case: the daily job has run
            rows = db.session.execute(self._stored.offset(start).limit(size))
            return [(asset_id, due_on) for asset_id, due_on in rows]
        return self.all()[start:start + size]

    def all(self) -> list[tuple[int, date]]:
        merged = sorted([(due_on, asset_id) for asset_id, due_on in db.session.execute(self._stored)]
                        + self._live)
        return [(asset_id, due_on) for due_on, asset_id in merged]


@dataclass(frozen=True)
class PlanResult:
    created: int
    already_planned: int


def _candidates(today: date, asset_id: int | None = None, asset_ids: list[int] | None = None):
    """One row per product that can fall due: its model interval, the visits a coverage in
    force today includes, its last completed maintenance, sales date, whether a maintenance case
    is open and the latest due date planned.

    For one product (the QR page) or a few (`asset_ids`: a page, a chunk) each figure is a lookup
    by product. Over every product, each is one grouped pass instead (the last maintenance of
    100,000 products looked up one by one takes seconds; grouped from the maintenance visits, a
    third of one)."""
    in_force = and_(Coverage.starts_on <= today, Coverage.ends_on >= today)
    maintenance_done = and_(Visit.status == VisitStatus.COMPLETED, Visit.service_type == ServiceType.MAINTENANCE)
    open_maintenance = and_(Case.case_type == CaseType.MAINTENANCE, Case.status.in_(OPEN_CASE_STATUSES))
    # The latest due date planned for the product: one step down the unique (asset, due date) index.
    last_planned = (select(func.max(Case.maintenance_due_on)).where(Case.asset_id == Asset.id)
                    .correlate(Asset).scalar_subquery())
    if asset_id is not None or asset_ids is not None:  # a few products: lookups by each
        chosen = Asset.id == asset_id if asset_id is not None else Asset.id.in_(asset_ids)
        visits = (select(func.max(Coverage.maintenance_visits_per_year))
                  .where(Coverage.asset_id == Asset.id, in_force).correlate(Asset).scalar_subquery())
        last_done = (select(func.max(Visit.completed_at)).join(Case, Visit.case_id == Case.id)
                     .where(Case.asset_id == Asset.id, maintenance_done).correlate(Asset).scalar_subquery())
        open_case = exists().where(Case.asset_id == Asset.id, open_maintenance).correlate(Asset)
        statement = select(Asset.id.label("asset_id"), Asset.sales_date.label("sales_date"),
                           ProductModel.maintenance_interval_months.label("model_months"),
                           func.coalesce(visits, 0).label("visits"), last_done.label("last_done"),
                           open_case.label("open_case"), last_planned.label("last_planned"))
        statement = statement.join(ProductModel, Asset.product_model_id == ProductModel.id).where(chosen)
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


def _dues(today: date, until: date | None = None, asset_id: int | None = None,
          asset_ids: list[int] | None = None) -> list[Due]:
    rows = _candidates(today, asset_id, asset_ids)
    statement = select(rows).where(or_(rows.c.model_months.is_not(None), rows.c.visits > 0))
    if until is not None:
        statement = statement.where(_within(rows, until))
    found = []
    for row in db.session.execute(statement):
        last = clock.local_day(row.last_done) if row.last_done else None
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
    ids = sorted({asset_id for asset_id, _due_on in pairs})
    for start in range(0, len(ids), CHUNK):  # by product: the unique index's first column
        planned.update(tuple(pair) for pair in db.session.execute(
            select(Case.asset_id, Case.maintenance_due_on)
            .where(Case.asset_id.in_(ids[start:start + CHUNK]), Case.maintenance_due_on.is_not(None)))
            if tuple(pair) in wanted)
    return planned


def due(asset: Asset, today: date | None = None) -> Due | None:
    """When `asset` is next due for maintenance (what the public QR page shows), or None."""
    found = _dues(today or clock.today(), asset_id=asset.id)
    return found[0] if found else None


def schedule(asset: Asset, count: int = 3, today: date | None = None) -> list[date]:
    """The product's next maintenance dates: the next due one, then one interval after another
    (the plan as things stand; each visit done moves the ones after it)."""
    found = due(asset, today)
    if found is None:
        return []
    return [add_months(found.due_on, found.months * step) for step in range(count)]


def due_on(asset: Asset, today: date | None = None) -> date | None:
    found = due(asset, today)
    return found.due_on if found else None


def horizon(weeks: int, today: date) -> date:
    return today + timedelta(weeks=weeks)


def _stale(today: date):
    """Products whose stored due date does not hold today (or was never computed)."""
    return or_(Asset.maintenance_checked_on.is_(None), Asset.maintenance_due_until < today)


def _fresh(today: date):
    return and_(Asset.maintenance_checked_on.is_not(None),
                or_(Asset.maintenance_due_until.is_(None), Asset.maintenance_due_until >= today))


def preview(horizon_weeks: int, today: date) -> Preview:
    """What the planner would propose: products due by the horizon (overdue ones too) that
    have neither a case for that due date nor another open maintenance case.

    Read from the stored due dates (an index range); the products whose stored date does not
    hold today (a coverage started or ended since `flask plan-maintenance` last ran, or never
    computed) are computed here, as the QR page computes one. What is taken, a case for the due
    date or an open maintenance case, is read from the cases (few), not per product."""
    until = horizon(horizon_weeks, today)
    due_by = and_(_fresh(today), Asset.maintenance_due_on <= until)
    planned = {(asset_id, due_on) for asset_id, due_on in db.session.execute(select(
        Case.asset_id, Case.maintenance_due_on).where(Case.maintenance_due_on.is_not(None), Case.maintenance_due_on <= until))}
    # Open cases are few among all, but SQLite's statistics know only the average per status (a
    # twelfth of every case): asked for all open statuses at once, or with the case type, it walks
    # every case. One status at a time, it takes the status index.
    opened = {asset_id for status in OPEN_CASE_STATUSES for asset_id, case_type in db.session.execute(
        select(Case.asset_id, Case.case_type).where(Case.status == status)) if case_type is CaseType.MAINTENANCE}
    opened.discard(None)
    # Of the products due, those taken: few, so read by id.
    candidates = sorted(opened | {asset_id for asset_id, _due_on in planned})
    taken = {asset_id for start in range(0, len(candidates), CHUNK) for asset_id, due_on in db.session.execute(
        select(Asset.id, Asset.maintenance_due_on).where(Asset.id.in_(candidates[start:start + CHUNK]), due_by))
        if asset_id in opened or (asset_id, due_on) in planned}
    due_count = db.session.scalar(select(func.count()).select_from(Asset).where(due_by))
    stored = (select(Asset.id, Asset.maintenance_due_on).where(due_by, Asset.id.not_in(taken) if taken else true())
              .order_by(Asset.maintenance_due_on, Asset.id))
    stale = list(db.session.scalars(select(Asset.id).where(_stale(today))))
    live = [d for start in range(0, len(stale), CHUNK) for d in _dues(today, until, asset_ids=stale[start:start + CHUNK])]
    proposed_live = [(d.due_on, d.asset_id) for d in live if d.proposed]
    count = due_count - len(taken) + len(proposed_live)
    already = len(taken) + len(live) - len(proposed_live)
    return Preview(horizon_weeks, until, count, already, stored, proposed_live)


def details(asset_ids: list[int], today: date) -> dict[int, Due]:
    """The whole story of these products' due dates (why, since when): for the rows shown."""
    return {d.asset_id: d for start in range(0, len(asset_ids), CHUNK)
            for d in _dues(today, asset_ids=asset_ids[start:start + CHUNK])}


# --- Keeping the stored due dates -------------------------------------------------------------------

def refresh(asset_ids: list[int], today: date) -> None:
    """Store these products' due dates as of `today`, and until when they hold (the day before
    a coverage with included visits starts, or the day one in force ends)."""
    everything = {d.asset_id: d.due_on for d in _dues(today)} if len(asset_ids) > MANY else None
    for start in range(0, len(asset_ids), CHUNK):
        chunk = asset_ids[start:start + CHUNK]
        due = everything if everything is not None else {d.asset_id: d.due_on for d in _dues(today, asset_ids=chunk)}
        until: dict[int, date] = {}
        for asset_id, starts_on, ends_on in db.session.execute(
                select(Coverage.asset_id, Coverage.starts_on, Coverage.ends_on)
                .where(Coverage.asset_id.in_(chunk), Coverage.maintenance_visits_per_year > 0,
                       Coverage.ends_on >= today)):
            holds = starts_on - timedelta(days=1) if starts_on > today else ends_on
            until[asset_id] = min(holds, until.get(asset_id, holds))
        db.session.execute(update(Asset), [
            {"id": asset_id, "maintenance_due_on": due.get(asset_id), "maintenance_due_until": until.get(asset_id),
             "maintenance_checked_on": today} for asset_id in chunk])


def refresh_stale(today: date) -> int:
    """The daily refresh (`flask plan-maintenance`): every product whose stored date does not
    hold today. Returns how many were computed."""
    stale = list(db.session.scalars(select(Asset.id).where(_stale(today))))
    refresh(stale, today)
    return len(stale)


def inputs_changed(asset: Asset) -> None:
    """A product's maintenance rule got new inputs (a maintenance visit completed, a coverage
    saved or removed, its model or sales date changed): its stored due date is computed again."""
    db.session.flush()
    refresh([asset.id], clock.today())


def model_changed(model: ProductModel) -> None:
    """A model's maintenance interval changed: every product of the model is computed again."""
    db.session.flush()
    refresh(list(db.session.scalars(select(Asset.id).where(Asset.product_model_id == model.id))), clock.today())


def assets_for(ids: list[int]) -> dict[int, Asset]:
    """These products, with customer and model, in few queries."""
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update((a.id, a) for a in db.session.scalars(
            select(Asset).where(Asset.id.in_(ids[start:start + CHUNK]))
            .options(joinedload(Asset.customer), joinedload(Asset.product_model))))
    return found


def describe(due: Due) -> str:
    """Why the product falls due when it does, for people: the contract's visits or the model's interval."""
    if due.reason == "contract":
        if due.visits_per_year == 1:
            return _("Contract: maintenance once a year")
        return ngettext("Contract: maintenance %(num)d time a year", "Contract: maintenance %(num)d times a year",
                        due.visits_per_year)
    return ngettext("Every %(num)d month (model)", "Every %(num)d months (model)", due.months)


def _planner_note(due: Due) -> str:
    """The case's opening note: `describe`, written into one sentence."""
    if due.reason == "contract":
        if due.visits_per_year == 1:
            return _("Proposed by the maintenance planner: contract: maintenance once a year")
        return ngettext("Proposed by the maintenance planner: contract: maintenance %(num)d time a year",
                        "Proposed by the maintenance planner: contract: maintenance %(num)d times a year",
                        due.visits_per_year)
    return ngettext("Proposed by the maintenance planner: every %(num)d month (model)",
                    "Proposed by the maintenance planner: every %(num)d months (model)", due.months)


def plan(horizon_weeks: int, today: date, user: User | None = None) -> PlanResult:
    """Create one maintenance case per product due by the horizon. Run it as often as you like:
    a due date that has its case is skipped (checked first, and guaranteed by the unique
    (asset, due date) constraint: a concurrent run that got there first makes the insert fail
    inside its own savepoint, and that product counts as already planned)."""
    previewed = preview(horizon_weeks, today)
    proposals = previewed.all()
    ids = [asset_id for asset_id, _due_on in proposals]
    assets = assets_for(ids)
    dues = details(ids, today)
    created = 0
    for asset_id, due_on in proposals:
        asset, due_item = assets.get(asset_id), dues.get(asset_id)
        if asset is None or due_item is None or due_item.due_on != due_on:  # changed since the preview
            continue
        try:
            with db.session.begin_nested():
                _open_case(asset, due_item, user)
        except IntegrityError:
            continue
        created += 1
    return PlanResult(created, previewed.already_planned + len(proposals) - created)


def _open_case(asset: Asset, due_item: Due, user: User | None) -> Case:
    now = utcnow()
    customer = asset.customer
    with languages.speaking(None):  # stored texts, read by the whole office: the company's language
        description = _("Preventive maintenance due %(day)s", day=clock.day_text(due_item.due_on))
        note = _planner_note(due_item)
    case = Case(number=next_case_number(clock.local(now).year), asset=asset,
                customer=customer, status=CaseStatus.NEW, created_at=now, channel=CHANNEL,
                case_type=CaseType.MAINTENANCE, priority=PRIORITY, created_by=user,
                description=description,
                maintenance_due_on=due_item.due_on, contact_name=customer.name, contact_phone=customer.phone,
                contact_email=customer.email)
    db.session.add(case)
    db.session.flush()  # the unique (asset, due date) constraint speaks here
    lifecycle.opened(case, user, note)
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
