"""The improvement dashboard (process step 8): how the service did in a period, compared with the
period of equal length just before it.

Every figure is ONE SQL statement with GROUP BY / conditional aggregates, never a Python loop over
rows, so the page costs the same dozen queries on a hundred visits or on a million. Each statement
reads the current and the previous period at once: rows from the start of the previous period to
the end of the current one, split by `CASE WHEN at >= current start`.

Periods are whole days in the company's time zone: `first` to `last`, both included.
Which instant puts a row in a period:
- ratings, repair times, repeat visits, parts, fault codes and costs: the visit's completion;
- first-time fix and resolution times: the case's resolution; response times: its first response;
- complaints: received (opened) and resolved; follow-ups: their due date.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from babel import dates as babel_dates
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import Date, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from fieldapp import clock, languages
from fieldapp.dates import add_months
from fieldapp.extensions import db
from fieldapp.models import (
    ASPECTS, Asset, Case, Complaint, FaultCode, FaultKind, FollowUp, Part, Priority, ProductModel, Rating,
    RatingSource, User,
    Visit, VisitPart, VisitStatus,
)
from fieldapp.services.settings import targets

MAX_DAYS = 2 * 366  # the longest period the page answers (two years, monthly points)
WEEKLY_UP_TO_DAYS = 92  # periods up to a quarter are drawn per week, longer ones per month
REPEAT_WINDOWS = (30, 90)
TOP_PARTS_PER_MODEL = 3
FAULT_ROWS = 20
# A model's fault code is "rising" when its rate per 100 completed visits of the model went up by
# at least RISE_POINTS against the previous period and it occurred at least RISE_MIN_COUNT times now
# (one visit more on a rarely serviced model is no trend).
RISE_POINTS = 5.0
RISE_MIN_COUNT = 2


# --- The period ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return clock.day_bounds(self.first)[0]

    @property
    def end(self) -> datetime:  # excluded: the start of the day after `last`
        return clock.day_bounds(self.last)[1]

    @property
    def previous(self) -> Period:
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


PRESETS = {"last_30_days": _l("Last 30 days"), "this_quarter": _l("This quarter"),
           "last_12_months": _l("Last 12 months")}
# The rating aspects as the page names them.
ASPECT_LABELS = {"overall": _l("Overall"), "timeliness": _l("Timeliness"), "professionalism": _l("Professionalism"),
                 "quality": _l("Quality"), "product_performance": _l("Product performance")}


def preset(name: str, today: date) -> Period:
    if name == "last_30_days":
        return Period(today - timedelta(days=29), today)
    if name == "this_quarter":
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if name == "last_12_months":
        return Period(add_months(today, -12) + timedelta(days=1), today)
    raise ValueError(name)


def check(period: Period) -> None:
    """ValueError with the message for the user when the page cannot answer for this period."""
    if period.last < period.first:
        raise ValueError(_("The period must end on or after its first day."))
    if period.days > MAX_DAYS:
        raise ValueError(_("Choose a period of at most %(num)s days.", num=MAX_DAYS))
    if period.previous.first.year < 1900 or period.last.year > 9000:
        raise ValueError(_("Choose dates between %(first)s and %(last)s.", first=1900, last=9000))


# --- SQL helpers -----------------------------------------------------------------------------------------

def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _hours(later, earlier):
    """Hours between two instants, as a number, on PostgreSQL and SQLite."""
    if _dialect() == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def _local_date(instant, around: Period):
    """The company-time-zone date of an instant. PostgreSQL converts exactly; SQLite knows no time
    zones, so the UTC offsets in force around the period (summer time included) are given as a CASE."""
    tz = clock.zone()
    if _dialect() == "postgresql":
        return cast(func.timezone(clock.zone_name(), instant), Date)
    first, last = around.previous.first - timedelta(days=400), around.last + timedelta(days=400)
    changes, offset = [], clock.day_bounds(first)[0].astimezone(tz).utcoffset()
    day = first
    while day <= last:  # the offset changes (at most a few a year): days, not rows
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
        if noon.utcoffset() != offset:
            changes.append((clock.day_bounds(day)[0], offset))  # before this day: the old offset
            offset = noon.utcoffset()
        day += timedelta(days=1)
    minutes = case(*((instant < moment, f"{int(old.total_seconds() // 60):+d} minutes") for moment, old in changes),
                   else_=f"{int(offset.total_seconds() // 60):+d} minutes") if changes else \
        f"{int(offset.total_seconds() // 60):+d} minutes"
    return func.date(instant, minutes)


def _spanning(column, period: Period):
    """Rows of the previous and the current period."""
    return and_(column >= period.previous.start, column < period.end)


def _now(column, period: Period):
    return column >= period.start


def _then(column, period: Period):
    return column < period.start


def _avg(condition, value):
    return func.avg(case((condition, value)))


def _count(condition):
    return func.count(case((condition, 1)))


def _sum(condition, value):
    return func.coalesce(func.sum(case((condition, value))), 0)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _completed(period: Period):
    return and_(Visit.status == VisitStatus.COMPLETED, _spanning(Visit.completed_at, period))


# --- Results ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A figure now and in the previous period, with how many rows each rests on."""
    current: float | None
    previous: float | None
    current_n: int = 0
    previous_n: int = 0

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Row:
    """A figure for one technician, model, aspect or priority."""
    key: Any
    label: str
    value: Pair


@dataclass(frozen=True)
class TrendPoint:
    first: date
    label: str
    average: float | None
    count: int


@dataclass(frozen=True)
class ServiceTimes:
    priority: Priority
    response_target: int
    resolution_target: int
    response_hours: Pair  # mean hours to the first response
    response_within: Pair  # share within the target
    resolution_hours: Pair
    resolution_within: Pair


@dataclass(frozen=True)
class RepeatVisits:
    completed: Pair
    within: dict[int, Pair]  # days -> repeat visits (counts; `share` gives the rates)

    def share(self, days: int) -> Pair:
        repeat = self.within[days]
        return Pair(_rate(int(repeat.current or 0), int(self.completed.current or 0)),
                    _rate(int(repeat.previous or 0), int(self.completed.previous or 0)),
                    int(self.completed.current or 0), int(self.completed.previous or 0))


@dataclass(frozen=True)
class PartRow:
    model_id: int
    model: str
    part_id: int
    sku: str
    name: str
    quantity: Pair


@dataclass(frozen=True)
class FaultRow:
    model_id: int
    model: str
    code_id: int
    code: str
    label: str
    kind: FaultKind
    count: Pair  # visits with the code
    visits: Pair  # completed visits of the model

    @property
    def rate(self) -> Pair:
        """Per 100 completed visits of the model."""
        def per_100(part, whole):
            return 100.0 * part / whole if whole else None
        return Pair(per_100(self.count.current, self.visits.current), per_100(self.count.previous, self.visits.previous))

    @property
    def rising(self) -> bool:
        now, before = self.rate.current, self.rate.previous or 0.0
        return now is not None and self.count.current >= RISE_MIN_COUNT and now - before >= RISE_POINTS


@dataclass(frozen=True)
class Costs:
    covered: Pair
    billable: Pair
    total: Pair


@dataclass(frozen=True)
class Complaints:
    opened: Pair
    resolved: Pair
    hours_to_resolve: Pair


@dataclass(frozen=True)
class FollowUps:
    due: Pair
    on_time: Pair
    late: Pair
    overdue: Pair  # not done, due date passed
    pending: Pair  # not done, not due yet


# --- Satisfaction ----------------------------------------------------------------------------------------

def aspect_averages(period: Period) -> list[Row]:
    """Average score (1-5) per rating aspect of the visits completed in the period."""
    now, then = _now(Visit.completed_at, period), _then(Visit.completed_at, period)
    columns = []
    for aspect in ASPECTS:
        score = getattr(Rating, aspect)
        columns += [_avg(now, score), _avg(then, score)]
    row = db.session.execute(
        select(*columns, _count(now), _count(then)).select_from(Rating).join(Visit, Visit.id == Rating.visit_id)
        .where(_completed(period))).one()
    current_n, previous_n = row[-2], row[-1]
    # Labelled by the key: a report is kept and shared by readers of every language (see for_reader).
    return [Row(aspect, aspect,
                Pair(_float(row[2 * i]), _float(row[2 * i + 1]), current_n, previous_n))
            for i, aspect in enumerate(ASPECTS)]


def rating_sources(period: Period) -> list[Row]:
    """How ratings were given in the period (on site, QR label, taken by the office, survey link):
    how many, with their average overall score. Counted by when they were given, a case's own
    rating (solved without a visit) included."""
    now, then = _now(Rating.created_at, period), _then(Rating.created_at, period)
    rows = db.session.execute(
        select(Rating.source, _avg(now, Rating.overall), _avg(then, Rating.overall), _count(now), _count(then))
        .where(_spanning(Rating.created_at, period)).group_by(Rating.source))
    found = {source: (cur, prev, n_cur, n_prev) for source, cur, prev, n_cur, n_prev in rows}
    # Labelled by the key: a report is kept and shared by readers of every language (see for_reader).
    return [Row(source.value, source.value, Pair(_float(found[source][0]), _float(found[source][1]),
                                                  found[source][2], found[source][3]))
            for source in RatingSource if source in found]


def _overall_by(period: Period, key, label, *joins) -> list[Row]:
    now, then = _now(Visit.completed_at, period), _then(Visit.completed_at, period)
    statement = select(key, label, _avg(now, Rating.overall), _avg(then, Rating.overall), _count(now), _count(then)
                       ).select_from(Rating).join(Visit, Visit.id == Rating.visit_id)
    for target, on in joins:
        statement = statement.join(target, on)
    rows = db.session.execute(statement.where(_completed(period)).group_by(key, label).order_by(label, key))
    return [Row(k, name, Pair(_float(cur), _float(prev), n_cur, n_prev)) for k, name, cur, prev, n_cur, n_prev in rows]


def technician_ratings(period: Period) -> list[Row]:
    """Average overall rating per technician (of the visits they completed)."""
    return _overall_by(period, User.id, User.name, (User, User.id == Visit.technician_id))


def model_ratings(period: Period) -> list[Row]:
    """Average overall rating per product model."""
    return _overall_by(period, ProductModel.id, ProductModel.name, (Case, Case.id == Visit.case_id),
                       (Asset, Asset.id == Case.asset_id), (ProductModel, ProductModel.id == Asset.product_model_id))


def trend_buckets(period: Period) -> list[tuple[date, str]]:
    """The points of the time series: weeks (from the period's first day) for up to a quarter,
    calendar months for longer periods; each starts at a local midnight."""
    if period.days <= WEEKLY_UP_TO_DAYS:
        starts = [period.first + timedelta(days=7 * i) for i in range(-(-period.days // 7))]
    else:
        starts, day = [period.first], date(period.first.year, period.first.month, 1)
        while (day := add_months(day, 1)) <= period.last:
            starts.append(day)
    # Labelled by the ISO day: a report is kept and shared by readers of every language (for_reader).
    return [(day, day.isoformat()) for day in starts]


def bucket_label(day: date, monthly: bool) -> str:
    """A point of the time series in the reader's language: 8 Jun (a week from), Jun 2026 (a month)."""
    return babel_dates.format_skeleton("yMMM" if monthly else "dMMM", day, locale=languages.current_locale())


def rating_trend(period: Period) -> list[TrendPoint]:
    """Average overall rating per week or month of the period (bucketed in SQL by a CASE on the
    buckets' first instants, which are local midnights)."""
    buckets = trend_buckets(period)
    bounds = [clock.day_bounds(day)[0] for day, _label in buckets]
    index = case(*((Visit.completed_at < bound, i - 1) for i, bound in enumerate(bounds[1:], start=1)),
                 else_=len(bounds) - 1)
    rows = dict((i, (avg, n)) for i, avg, n in db.session.execute(
        select(index, func.avg(Rating.overall), func.count(Rating.id)).select_from(Rating)
        .join(Visit, Visit.id == Rating.visit_id)
        .where(Visit.status == VisitStatus.COMPLETED, Visit.completed_at >= period.start, Visit.completed_at < period.end)
        .group_by(index)))
    return [TrendPoint(day, label, _float(rows.get(i, (None, 0))[0]), rows.get(i, (None, 0))[1])
            for i, (day, label) in enumerate(buckets)]


# --- Service -----------------------------------------------------------------------------------------------

def first_time_fix(period: Period) -> Pair:
    """First-time-fix rate: of the cases resolved in the period that had at least one completed
    visit, the share resolved with exactly one completed visit. Cases resolved without a visit
    (remotely) are left out; `current_n`/`previous_n` are those cases."""
    resolved = (select(Case.resolved_at, func.count(Visit.id).label("n"))
                .join(Visit, and_(Visit.case_id == Case.id, Visit.status == VisitStatus.COMPLETED))
                .where(_spanning(Case.resolved_at, period)).group_by(Case.id, Case.resolved_at).subquery())
    now, then = _now(resolved.c.resolved_at, period), _then(resolved.c.resolved_at, period)
    once = resolved.c.n == 1
    fixed_now, fixed_then, cases_now, cases_then = db.session.execute(
        select(_count(and_(now, once)), _count(and_(then, once)), _count(now), _count(then))).one()
    return Pair(_rate(fixed_now, cases_now), _rate(fixed_then, cases_then), cases_now, cases_then)


def service_times(period: Period) -> list[ServiceTimes]:
    """Per priority: mean hours from opening to the first response (cases first answered in the
    period) and to resolution (cases resolved in the period), and the share within the company's
    target for the priority. Elapsed hours: the pauses while waiting for the customer are not
    subtracted here, nor contract targets applied (the case page's clocks do both)."""
    goal = targets()
    response = _hours(Case.first_response_at, Case.created_at)
    resolution = _hours(Case.resolved_at, Case.created_at)
    response_target = case({p: goal[p].response_hours for p in Priority}, value=Case.priority)
    resolution_target = case({p: goal[p].resolution_hours for p in Priority}, value=Case.priority)
    r_now, r_then = (and_(_spanning(Case.first_response_at, period), _now(Case.first_response_at, period)),
                     and_(_spanning(Case.first_response_at, period), _then(Case.first_response_at, period)))
    s_now, s_then = (and_(_spanning(Case.resolved_at, period), _now(Case.resolved_at, period)),
                     and_(_spanning(Case.resolved_at, period), _then(Case.resolved_at, period)))
    r_met, s_met = response <= response_target, resolution <= resolution_target
    rows = {row[0]: row[1:] for row in db.session.execute(
        select(Case.priority,
               _avg(r_now, response), _avg(r_then, response), _count(r_now), _count(r_then),
               _count(and_(r_now, r_met)), _count(and_(r_then, r_met)),
               _avg(s_now, resolution), _avg(s_then, resolution), _count(s_now), _count(s_then),
               _count(and_(s_now, s_met)), _count(and_(s_then, s_met)))
        .where(or_(_spanning(Case.first_response_at, period), _spanning(Case.resolved_at, period)))
        .group_by(Case.priority))}
    result = []
    for priority in sorted(Priority, key=lambda p: list(Priority).index(p), reverse=True):
        (r_cur, r_prev, rn_cur, rn_prev, rm_cur, rm_prev,
         s_cur, s_prev, sn_cur, sn_prev, sm_cur, sm_prev) = rows.get(priority, (None, None, 0, 0, 0, 0) * 2)
        result.append(ServiceTimes(
            priority, goal[priority].response_hours, goal[priority].resolution_hours,
            Pair(_float(r_cur), _float(r_prev), rn_cur, rn_prev),
            Pair(_rate(rm_cur, rn_cur), _rate(rm_prev, rn_prev), rn_cur, rn_prev),
            Pair(_float(s_cur), _float(s_prev), sn_cur, sn_prev),
            Pair(_rate(sm_cur, sn_cur), _rate(sm_prev, sn_prev), sn_cur, sn_prev)))
    return result


def time_to_repair(period: Period) -> Pair:
    """Mean time to repair: hours from arrival to completion of the visits completed in the period."""
    now, then = _now(Visit.completed_at, period), _then(Visit.completed_at, period)
    hours = _hours(Visit.completed_at, Visit.arrived_at)
    cur, prev, n_cur, n_prev = db.session.execute(
        select(_avg(now, hours), _avg(then, hours), _count(now), _count(then))
        .where(_completed(period), Visit.arrived_at.is_not(None))).one()
    return Pair(_float(cur), _float(prev), n_cur, n_prev)


def repeat_visits(period: Period) -> RepeatVisits:
    """Visits completed in the period on a product that already had a completed visit within the
    30 (90) days before: the same product back again. The previous visit may lie before the period."""
    longest = max(REPEAT_WINDOWS)
    earlier = Visit.completed_at.label("completed_at")
    ordered = (select(earlier, func.lag(Visit.completed_at).over(partition_by=Case.asset_id,
                                                                 order_by=(Visit.completed_at, Visit.id)).label("before"))
               .join(Case, Case.id == Visit.case_id)
               .where(Visit.status == VisitStatus.COMPLETED, Case.asset_id.is_not(None),
                      Visit.completed_at >= period.previous.start - timedelta(days=longest),
                      Visit.completed_at < period.end)
               .subquery())
    gap = _hours(ordered.c.completed_at, ordered.c.before)
    now, then = ordered.c.completed_at >= period.start, ordered.c.completed_at < period.start
    columns = [_count(now), _count(then)]
    for days in REPEAT_WINDOWS:
        within = and_(ordered.c.before.is_not(None), gap <= days * 24)
        columns += [_count(and_(now, within)), _count(and_(then, within))]
    row = db.session.execute(select(*columns).where(ordered.c.completed_at >= period.previous.start)).one()
    return RepeatVisits(Pair(row[0], row[1], row[0], row[1]),
                        {days: Pair(row[2 + 2 * i], row[3 + 2 * i]) for i, days in enumerate(REPEAT_WINDOWS)})


def top_parts(period: Period, per_model: int = TOP_PARTS_PER_MODEL) -> list[PartRow]:
    """The parts replaced most (by quantity) per product model in the period, with the quantity in
    the previous period; ranked in SQL (ROW_NUMBER per model)."""
    now, then = _now(Visit.completed_at, period), _then(Visit.completed_at, period)
    current = _sum(now, VisitPart.quantity)
    grouped = (select(ProductModel.id.label("model_id"), ProductModel.name.label("model"), Part.id.label("part_id"),
                      Part.sku, Part.name, current.label("cur"), _sum(then, VisitPart.quantity).label("prev"),
                      func.row_number().over(partition_by=ProductModel.id,
                                             order_by=(current.desc(), Part.sku)).label("rank"))
               .select_from(VisitPart).join(Visit, Visit.id == VisitPart.visit_id).join(Case, Case.id == Visit.case_id)
               .join(Asset, Asset.id == Case.asset_id).join(ProductModel, ProductModel.id == Asset.product_model_id)
               .join(Part, Part.id == VisitPart.part_id)
               .where(_completed(period))
               .group_by(ProductModel.id, ProductModel.name, Part.id, Part.sku, Part.name)
               .subquery())
    rows = db.session.execute(select(grouped).where(grouped.c.rank <= per_model, grouped.c.cur > 0)
                              .order_by(grouped.c.model, grouped.c.model_id, grouped.c.rank))
    return [PartRow(r.model_id, r.model, r.part_id, r.sku, r.name, Pair(r.cur, r.prev)) for r in rows]


def fault_ranking(period: Period, limit: int = FAULT_ROWS) -> list[FaultRow]:
    """Symptom and cause codes per product model: how many completed visits of the model picked the
    code now and in the previous period, against the model's completed visits (rate per 100
    visits, and `rising`: see RISE_POINTS). Most frequent first."""
    model_of = (select(Visit.id.label("visit_id"), Visit.completed_at, Asset.product_model_id.label("model_id"),
                       Visit.symptom_code_id, Visit.cause_code_id)
                .join(Case, Case.id == Visit.case_id).join(Asset, Asset.id == Case.asset_id)
                .where(_completed(period)).cte("model_of"))  # read twice: computed once
    per_model = (select(model_of.c.model_id, _count(model_of.c.completed_at >= period.start).label("cur"),
                        _count(model_of.c.completed_at < period.start).label("prev"))
                 .group_by(model_of.c.model_id).subquery())
    code_now, code_then = model_of.c.completed_at >= period.start, model_of.c.completed_at < period.start
    counted = _count(code_now)
    rows = db.session.execute(
        select(ProductModel.id, ProductModel.name, FaultCode.id, FaultCode.code, FaultCode.label, FaultCode.kind,
               counted, _count(code_then), per_model.c.cur, per_model.c.prev)
        .select_from(model_of)
        .join(FaultCode, or_(FaultCode.id == model_of.c.symptom_code_id, FaultCode.id == model_of.c.cause_code_id))
        .join(ProductModel, ProductModel.id == model_of.c.model_id)
        .join(per_model, per_model.c.model_id == model_of.c.model_id)
        .group_by(ProductModel.id, ProductModel.name, FaultCode.id, FaultCode.code, FaultCode.label, FaultCode.kind,
                  per_model.c.cur, per_model.c.prev)
        .order_by(counted.desc(), ProductModel.name, FaultCode.code)
        .limit(limit))
    return [FaultRow(model_id, model, code_id, code, label, kind, Pair(cur, prev), Pair(v_cur, v_prev))
            for model_id, model, code_id, code, label, kind, cur, prev, v_cur, v_prev in rows]


def rising_models(rows: list[FaultRow]) -> list[str]:
    """The models with a rising fault code, by name (from the ranking's rows)."""
    return sorted({row.model for row in rows if row.rising})


def costs(period: Period) -> Costs:
    """What the visits completed in the period cost: covered (warranty, contract) and billable."""
    now, then = _now(Visit.completed_at, period), _then(Visit.completed_at, period)
    row = db.session.execute(select(
        _sum(now, Visit.covered_cents), _sum(then, Visit.covered_cents),
        _sum(now, Visit.billable_cents), _sum(then, Visit.billable_cents),
        _sum(now, Visit.total_cents), _sum(then, Visit.total_cents), _count(now), _count(then))
        .where(_completed(period))).one()
    n_cur, n_prev = row[6], row[7]
    return Costs(Pair(row[0], row[1], n_cur, n_prev), Pair(row[2], row[3], n_cur, n_prev),
                 Pair(row[4], row[5], n_cur, n_prev))


def complaints(period: Period) -> Complaints:
    """Complaints received in the period, complaints resolved in it, and the mean hours from
    receiving to resolving those resolved."""
    received_now = and_(_spanning(Complaint.received_at, period), _now(Complaint.received_at, period))
    received_then = and_(_spanning(Complaint.received_at, period), _then(Complaint.received_at, period))
    resolved_now = and_(_spanning(Complaint.resolved_at, period), _now(Complaint.resolved_at, period))
    resolved_then = and_(_spanning(Complaint.resolved_at, period), _then(Complaint.resolved_at, period))
    hours = _hours(Complaint.resolved_at, Complaint.received_at)
    row = db.session.execute(select(
        _count(received_now), _count(received_then), _count(resolved_now), _count(resolved_then),
        _avg(resolved_now, hours), _avg(resolved_then, hours))
        .where(or_(_spanning(Complaint.received_at, period), _spanning(Complaint.resolved_at, period)))).one()
    return Complaints(Pair(row[0], row[1]), Pair(row[2], row[3]), Pair(_float(row[4]), _float(row[5]), row[2], row[3]))


def follow_ups(period: Period) -> FollowUps:
    """Follow-ups due in the period: done on time (on or before the due date, in the company's time
    zone), done late, overdue (not done and the due date has passed) and not due yet."""
    today = clock.today()
    now = FollowUp.due_on >= period.first
    then = FollowUp.due_on < period.first
    done_on = _local_date(FollowUp.done_at, period)
    done = FollowUp.done_at.is_not(None)
    on_time, late = and_(done, done_on <= FollowUp.due_on), and_(done, done_on > FollowUp.due_on)
    overdue = and_(FollowUp.done_at.is_(None), FollowUp.due_on < today)
    pending = and_(FollowUp.done_at.is_(None), FollowUp.due_on >= today)
    columns = []
    for state in (literal(True), on_time, late, overdue, pending):
        columns += [_count(and_(now, state)), _count(and_(then, state))]
    row = db.session.execute(select(*columns).where(FollowUp.due_on >= period.previous.first,
                                                    FollowUp.due_on <= period.last)).one()
    pairs = [Pair(row[2 * i], row[2 * i + 1]) for i in range(5)]
    return FollowUps(*pairs)


def _float(value) -> float | None:
    return None if value is None else float(value)


# --- The whole page ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    period: Period
    aspects: list[Row]
    technicians: list[Row]
    models: list[Row]
    trend: list[TrendPoint]
    first_time_fix: Pair
    service_times: list[ServiceTimes]
    time_to_repair: Pair
    repeats: RepeatVisits
    parts: list[PartRow]
    faults: list[FaultRow]
    rising: list[str]
    costs: Costs
    complaints: Complaints
    follow_ups: FollowUps
    sources: list[Row] = field(default_factory=list)  # (a report stored before it had them: none)


def for_reader(found: Report) -> Report:
    """The report with its words in the reader's language: a report is computed once (and stored,
    services/dashboard_cache.py) for readers of every language."""
    monthly = found.period.days > WEEKLY_UP_TO_DAYS
    return replace(found, aspects=[replace(row, label=str(ASPECT_LABELS.get(row.key, row.label)))
                                   for row in found.aspects],
                   sources=[replace(row, label=str(RatingSource(row.key).label)) for row in found.sources],
                   trend=[replace(point, label=bucket_label(point.first, monthly)) for point in found.trend])


def report(period: Period) -> Report:
    """Every figure of the dashboard: a fixed number of queries, whatever the data holds."""
    faults = fault_ranking(period)
    return Report(period, aspect_averages(period), technician_ratings(period), model_ratings(period),
                  rating_trend(period), first_time_fix(period), service_times(period), time_to_repair(period),
                  repeat_visits(period), top_parts(period), faults, rising_models(faults), costs(period),
                  complaints(period), follow_ups(period), rating_sources(period))


# --- Drill-down: the visits behind a figure -------------------------------------------------------------

PAGE_SIZE = 25


@dataclass(frozen=True)
class Filters:
    model_id: int | None = None
    technician_id: int | None = None
    code_id: int | None = None


def drill_down(period: Period, filters: Filters, page: int) -> tuple[list[Any], bool]:
    """One page of the visits completed in the period (newest first) matching the filters, with
    their case, product model, technician, rating and codes; and whether there is a next page.
    One query (the page fetches one row more than it shows)."""
    symptom, cause = aliased(FaultCode), aliased(FaultCode)
    statement = (
        select(Visit.id.label("visit_id"), Visit.completed_at, Case.id.label("case_id"), Case.number,
               ProductModel.name.label("model"), User.name.label("technician"), Rating.overall,
               symptom.code.label("symptom"), cause.code.label("cause"), Visit.total_cents)
        .join(Case, Case.id == Visit.case_id).join(User, User.id == Visit.technician_id)
        .outerjoin(Asset, Asset.id == Case.asset_id).outerjoin(ProductModel, ProductModel.id == Asset.product_model_id)
        .outerjoin(Rating, Rating.visit_id == Visit.id)
        .outerjoin(symptom, symptom.id == Visit.symptom_code_id).outerjoin(cause, cause.id == Visit.cause_code_id)
        .where(Visit.status == VisitStatus.COMPLETED, Visit.completed_at >= period.start,
               Visit.completed_at < period.end))
    if filters.model_id is not None:
        statement = statement.where(Asset.product_model_id == filters.model_id)
    if filters.technician_id is not None:
        statement = statement.where(Visit.technician_id == filters.technician_id)
    if filters.code_id is not None:
        statement = statement.where(or_(Visit.symptom_code_id == filters.code_id,
                                        Visit.cause_code_id == filters.code_id,
                                        Visit.remedy_code_id == filters.code_id))
    rows = db.session.execute(statement.order_by(Visit.completed_at.desc(), Visit.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def filter_labels(filters: Filters) -> list[str]:
    """What the drill-down is filtered on, in words (one query, only when filtered)."""
    if filters == Filters():
        return []
    model = select(ProductModel.name).where(ProductModel.id == filters.model_id).scalar_subquery()
    technician = select(User.name).where(User.id == filters.technician_id).scalar_subquery()
    code = select(FaultCode.code + literal(" · ") + FaultCode.label).where(FaultCode.id == filters.code_id
                                                                            ).scalar_subquery()
    names = db.session.execute(select(model, technician, code)).one()
    said = (_l("Model: %(name)s"), _l("Technician: %(name)s"), _l("Fault code: %(name)s"))
    return [str(what % {"name": name or _("unknown")}) for what, name, given in
            zip(said, names, (filters.model_id, filters.technician_id, filters.code_id)) if given is not None]

