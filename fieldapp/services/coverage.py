"""Extended warranties and service contracts the company sells: the plans (admin), a sale of a
plan on a product (dispatcher), and the renewal calls before coverage ends.

A sale copies the plan's terms onto a Coverage row, so changing a plan later never changes
what a customer bought. Visits keep reading coverage through `Asset.coverage_on`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.dates import add_months
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Asset, Coverage, CoverageKind, CoveragePlan, RenewalOutcome, User
from fieldapp.orm import utcnow
from fieldapp.services import audit, maintenance

# What a plan may be; the standard warranty comes with the product, it is not sold.
PLAN_KINDS = (CoverageKind.EXTENDED_WARRANTY, CoverageKind.SERVICE_CONTRACT)
WARRANTIES = frozenset({CoverageKind.STANDARD_WARRANTY, CoverageKind.EXTENDED_WARRANTY})
# Coverage that ended this many days ago is still listed for a call, until one is recorded.
RENEWAL_GRACE_DAYS = 7
RENEWALS_PAGE = 25


def family(kind: CoverageKind) -> frozenset[CoverageKind]:
    """Coverage that may not overlap: a warranty with a warranty (an extended warranty follows
    the standard one), a contract with a contract."""
    return WARRANTIES if kind in WARRANTIES else frozenset({kind})


# --- The plans (admin) ------------------------------------------------------------------------------

def plans(active_only: bool = False) -> list[CoveragePlan]:
    statement = select(CoveragePlan).order_by(CoveragePlan.active.desc(), CoveragePlan.name)
    if active_only:
        statement = statement.where(CoveragePlan.active.is_(True))
    return list(db.session.scalars(statement))


def save_plan(plan: CoveragePlan | None, values: dict, by: User) -> CoveragePlan:
    name = values["name"].strip()
    clash = db.session.scalar(select(CoveragePlan).where(func.lower(CoveragePlan.name) == name.lower()))
    if clash is not None and clash is not plan:
        raise DomainError(_("Another plan already has this name."), "name", "invalid")
    if values["kind"] not in {k.value for k in PLAN_KINDS}:
        raise DomainError(_("Choose extended warranty or service contract."), "kind", "invalid")
    if (values["response_hours"] and values["resolution_hours"]
            and values["resolution_hours"] < values["response_hours"]):
        raise DomainError(_("Resolution cannot be promised sooner than the response."), "resolution_hours", "invalid")
    if plan is None:
        plan = CoveragePlan()
        db.session.add(plan)
    for key, value in {**values, "name": name}.items():
        setattr(plan, key, value)
    db.session.flush()
    audit.record("coverage_plan.saved", plan, {"name": plan.name}, user=by)
    return plan


def set_plan_active(plan: CoveragePlan, active: bool, by: User) -> None:
    """A retired plan is no longer sold; what was sold on it stays as it was."""
    plan.active = active
    audit.record("coverage_plan.activated" if active else "coverage_plan.deactivated", plan, user=by)


# --- Selling a plan on a product ------------------------------------------------------------------

def _same_family(asset: Asset, kind: CoverageKind, lock: bool = False) -> list[Coverage]:
    if lock:  # two people selling on one product at once: the second waits, then sees the first sale
        db.session.execute(select(Asset.id).where(Asset.id == asset.id).with_for_update())
    return list(db.session.scalars(select(Coverage).where(Coverage.asset_id == asset.id,
                                                          Coverage.kind.in_(family(kind)))
                                   .order_by(Coverage.starts_on)))


def default_start(asset: Asset, kind: CoverageKind, today: date) -> date:
    """The day after the coverage of the same kind in force (or already sold to follow it)
    ends; today when there is none."""
    start = today
    for coverage in _same_family(asset, kind):  # by start date: a chain of them is followed
        if coverage.starts_on <= start <= coverage.ends_on:
            start = coverage.ends_on + timedelta(days=1)
    return start


def ends_on(plan: CoveragePlan, starts_on: date) -> date:
    return add_months(starts_on, plan.months) - timedelta(days=1)


def sell(asset: Asset, plan: CoveragePlan, starts_on: date, price_cents: int, reference: str | None,
         by: User) -> Coverage:
    """Sell `plan` on `asset` from `starts_on`: a new coverage with the plan's terms; refused
    when it would overlap a warranty (for a warranty) or a contract (for a contract)."""
    if not plan.active:
        raise DomainError(_("This plan is no longer sold; choose another."), "plan_id", "invalid")
    if starts_on < asset.sales_date:
        raise DomainError(_("Coverage cannot start before the sale (%(day)s).", day=clock.day_text(asset.sales_date)),
                          "starts_on", "invalid")
    kind = CoverageKind(plan.kind)
    ends = ends_on(plan, starts_on)
    existing = _same_family(asset, kind, lock=True)
    overlap = next((c for c in existing if c.starts_on <= ends and c.ends_on >= starts_on), None)
    if overlap is not None:
        raise DomainError(_overlap_message(overlap, plan, starts_on, ends), "starts_on", "conflict")
    coverage = Coverage(
        asset_id=asset.id, kind=kind, reference=(reference or "").strip() or None, starts_on=starts_on, ends_on=ends,
        covers_parts=plan.covers_parts, covers_labour=plan.covers_labour, covers_transport=plan.covers_transport,
        terms=plan.terms, plan=plan, price_cents=price_cents, sold_at=utcnow(), sold_by=by,
        maintenance_visits_per_year=plan.maintenance_visits_per_year, response_hours=plan.response_hours,
        resolution_hours=plan.resolution_hours)
    db.session.add(coverage)
    # The coverage it follows has been renewed: off the renewal calls list.
    for previous in existing:
        if previous.ends_on == starts_on - timedelta(days=1) and previous.renewal_outcome is not RenewalOutcome.RENEWED:
            previous.renewal_outcome = RenewalOutcome.RENEWED
            previous.renewal_contacted_at = previous.renewal_contacted_at or utcnow()
    db.session.flush()
    db.session.expire(asset, ["coverages"])
    maintenance.inputs_changed(asset)  # a contract with included visits sets the pace
    audit.record("asset.coverage_sold", asset, {"coverage": coverage.id, "plan": plan.id, "price_cents": price_cents},
                 user=by)
    return coverage


def _overlap_message(overlap: Coverage, plan: CoveragePlan, starts_on: date, ends: date) -> str:
    """Why a sale would overlap the coverage in place, and the first day it could start."""
    days = {"starts": clock.day_text(overlap.starts_on), "ends": clock.day_text(overlap.ends_on), "plan": plan.name,
            "plan_starts": clock.day_text(starts_on), "plan_ends": clock.day_text(ends),
            "first_day": clock.day_text(overlap.ends_on + timedelta(days=1))}
    if overlap.kind is CoverageKind.STANDARD_WARRANTY:
        return _("This product already has a standard warranty from %(starts)s to %(ends)s; %(plan)s would run "
                 "%(plan_starts)s – %(plan_ends)s. Start it on %(first_day)s or later.", **days)
    if overlap.kind is CoverageKind.EXTENDED_WARRANTY:
        return _("This product already has an extended warranty from %(starts)s to %(ends)s; %(plan)s would run "
                 "%(plan_starts)s – %(plan_ends)s. Start it on %(first_day)s or later.", **days)
    return _("This product already has a service contract from %(starts)s to %(ends)s; %(plan)s would run "
             "%(plan_starts)s – %(plan_ends)s. Start it on %(first_day)s or later.", **days)


def suggested_plan(asset: Asset) -> CoveragePlan | None:
    """The plan last sold on this product, if it is still sold: the one to renew."""
    return db.session.scalar(
        select(CoveragePlan).join(Coverage, Coverage.plan_id == CoveragePlan.id)
        .where(Coverage.asset_id == asset.id, CoveragePlan.active.is_(True))
        .order_by(Coverage.ends_on.desc()).limit(1))


# --- Renewal calls ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenewalsPage:
    rows: list[Coverage]
    page: int
    has_next: bool
    until: date


def renewals(today: date, notice_days: int, page: int) -> RenewalsPage:
    """Coverage ending within `notice_days` (whatever was recorded about it), and coverage that
    ended in the last week with no call recorded; soonest end first. Selling the successor
    records the call as renewed (see `sell`)."""
    until = today + timedelta(days=notice_days)
    rows = db.session.scalars(
        select(Coverage).join(Coverage.asset)
        # One range of the ends_on index, read in order (no sort of the whole window): the week
        # past counts only while no call is recorded.
        .where(Coverage.ends_on >= today - timedelta(days=RENEWAL_GRACE_DAYS), Coverage.ends_on <= until,
               or_(Coverage.ends_on >= today, Coverage.renewal_outcome.is_(None)))
        .options(joinedload(Coverage.asset).joinedload(Asset.customer),
                 joinedload(Coverage.asset).joinedload(Asset.product_model), joinedload(Coverage.plan))
        .order_by(Coverage.ends_on, Coverage.id)
        .offset((page - 1) * RENEWALS_PAGE).limit(RENEWALS_PAGE + 1)).all()
    return RenewalsPage(list(rows[:RENEWALS_PAGE]), page, len(rows) > RENEWALS_PAGE, until)


def record_call(coverage: Coverage, outcome: RenewalOutcome, note: str | None, by: User) -> Coverage:
    coverage.renewal_outcome = outcome
    coverage.renewal_contacted_at = utcnow()
    coverage.renewal_note = (note or "").strip() or None
    audit.record("asset.renewal_call", coverage.asset, {"coverage": coverage.id, "outcome": outcome.value}, user=by)
    return coverage
