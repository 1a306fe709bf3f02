"""Returns and refunds (process step 10): a customer sends a product back within its model's
return window. The request is judged on the day it is made (the company's today) and keeps that
judgement; approving one that is not eligible needs a note saying why. Its status moves only
along the table below, and every step is a line on the case's timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock, money
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseStatus, CaseType, Channel, Priority, ReturnCondition, ReturnDecision, ReturnRequest,
    ReturnStatus as R, User,
)
from fieldapp.services import audit, intake, lifecycle

NOT_RETURNABLE = "This model cannot be returned"
OPEN_STATUSES = [s for s in R if s.is_open]
PAGE_SIZE = 25

# From each status, the statuses a return may move to.
TRANSITIONS: dict[R, frozenset[R]] = {
    R.REQUESTED: frozenset({R.APPROVED, R.REFUSED}),
    R.APPROVED: frozenset({R.RECEIVED}),
    R.RECEIVED: frozenset({R.REFUNDED, R.EXCHANGED, R.REPAIRED}),
    R.REFUSED: frozenset(),
    R.REFUNDED: frozenset(),
    R.EXCHANGED: frozenset(),
    R.REPAIRED: frozenset(),
}
# What completing a received return makes of it, by the decision taken when it was approved.
COMPLETES_AS = {ReturnDecision.REFUND: R.REFUNDED, ReturnDecision.EXCHANGE: R.EXCHANGED,
                ReturnDecision.REPAIR: R.REPAIRED}
# The verb for "cannot be <verb>" when a step is not allowed.
STEP_VERBS = {R.APPROVED: "approved", R.REFUSED: "refused", R.RECEIVED: "marked received",
              R.REFUNDED: "completed", R.EXCHANGED: "completed", R.REPAIRED: "completed"}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    last_day: date | None  # the last day a return may be asked for; None: the model is not returnable


def _day(day: date) -> str:
    return day.strftime("%d %b %Y")


def eligibility(asset: Asset, on: date) -> Eligibility:
    """May `asset` be returned when asked on `on` (a day in the company's time zone)?

    The window counts calendar days from the sales date, which is day 0: with a 30-day window
    the last day to ask is sales_date + 30 days, and the day after that is too late. Days are
    the company's (callers pass clock.today()), so a request at 23:30 UTC that is already the
    next day in Amsterdam is judged on that next day. Only the day of asking counts: time the
    request then waits for a decision, or for the product to come back, does not pause or eat
    into the window. A product asked about before its recorded sales date is within the window."""
    window = asset.product_model.return_window_days
    if window <= 0:
        return Eligibility(False, NOT_RETURNABLE, None)
    last_day = asset.sales_date + timedelta(days=window)
    if on <= last_day:
        return Eligibility(True, f"Within the {window}-day return period (until {_day(last_day)})", last_day)
    return Eligibility(False, f"The {window}-day return period ended on {_day(last_day)}", last_day)


@dataclass(frozen=True)
class Policy:
    """What the product's public page says about returning it, today."""
    window_days: int
    conditions: str | None
    today: Eligibility
    in_progress: bool  # a return of it is being handled already


def policy(asset: Asset, on: date) -> Policy:
    judged = eligibility(asset, on)
    model = asset.product_model
    return Policy(model.return_window_days, (model.return_conditions or "").strip() or None, judged,
                  judged.eligible and open_return_for(asset) is not None)


def open_return_for(asset: Asset) -> ReturnRequest | None:
    return db.session.scalar(select(ReturnRequest).where(ReturnRequest.asset_id == asset.id,
                                                         ReturnRequest.status.in_(OPEN_STATUSES))
                             .options(joinedload(ReturnRequest.case)).limit(1))


def request(case: Case | None, asset: Asset, reason: str, condition: ReturnCondition, user: User | None = None,
            contact: dict | None = None, channel: Channel = Channel.PHONE) -> ReturnRequest:
    """A return request, with its eligibility as of today.

    From the office (`user` given): on `case`, or on a new return case for the product opened
    through `channel`. From the product's public page (no user): a new QR case in the queue,
    and only while the product may be returned (the page offers the form only then)."""
    judged = eligibility(asset, clock.today())
    if user is None and not judged.eligible:
        raise DomainError(f"{judged.reason}.", kind="conflict")
    if case is not None:
        if case.asset_id != asset.id:
            raise DomainError("That product is not the one on this case.", kind="invalid")
        if not case.status.is_open:
            raise DomainError(f"This case is {case.status.label.lower()}. Reopen it first.")
    existing = open_return_for(asset)
    if existing is not None:
        where = "" if user is None else f" (case {existing.case.number})"
        raise DomainError(f"A return of this product is already in progress{where}.")
    if case is None:
        case = intake.take_request(asset.customer, asset, Channel.QR if user is None else channel, CaseType.RETURN,
                                  Priority.NORMAL, f"Return: {reason.strip()}", contact or {}, user,
                                  allow_duplicate=True)
    requested = ReturnRequest(asset=asset, reason=reason.strip(), condition=condition,
                              requested_on=clock.today(), eligible=judged.eligible,
                              eligibility_reason=judged.reason, status=R.REQUESTED, created_by=user)
    case.return_requests.append(requested)
    where = "from the product's QR label" if user is None else "by the office"
    lifecycle.record(case, "return_requested", f"Requested {where}. {condition.label}: {reason.strip()} "
                                               f"— {'eligible' if judged.eligible else 'not eligible'}: "
                                               f"{judged.reason}.", user)
    db.session.flush()
    audit.record("return.requested", requested, {"eligible": judged.eligible}, user=user)
    return requested


def case_id_of(return_id: int) -> int | None:
    return db.session.scalar(select(ReturnRequest.case_id).where(ReturnRequest.id == return_id))


def find(case: Case, return_id: int) -> ReturnRequest:
    found = next((r for r in case.return_requests if r.id == return_id), None)
    if found is None:
        raise DomainError("That return is not on this case.", kind="not_found")
    return found


def _check(ret: ReturnRequest, to: R) -> None:
    """Refuse a step the table does not allow (a conflict), or any step on a case no longer open."""
    if not ret.case.status.is_open:
        raise DomainError(f"This case is {ret.case.status.label.lower()}. Reopen it first.")
    if to not in TRANSITIONS[ret.status]:
        raise DomainError(f"A return that is {ret.status.label.lower()} cannot be {STEP_VERBS[to]}.")


def approve(ret: ReturnRequest, decision: ReturnDecision, amount_cents: int | None, override_note: str | None,
            by: User) -> None:
    """Approve with what will be done (refund, exchange, repair) and, for a refund, the amount if
    known. A return that was not eligible is approved only with a note saying why."""
    _check(ret, R.APPROVED)
    note = (override_note or "").strip() or None
    if not ret.eligible and note is None:
        raise DomainError(f"Not eligible: {ret.eligibility_reason}. Write why it is approved anyway.",
                          "override_note", "invalid")
    ret.status = R.APPROVED
    ret.decision, ret.amount_cents = decision, amount_cents
    ret.override_note = note if not ret.eligible else None
    text = decision.label + (f", {money.display(amount_cents)}" if amount_cents is not None else "")
    if ret.override_note:
        text += f". Not eligible ({ret.eligibility_reason}), approved because: {ret.override_note}"
    lifecycle.record(ret.case, "return_approved", text, by)
    audit.record("return.approved", ret, {"decision": decision.value, "override": bool(ret.override_note)}, user=by)


def refuse(ret: ReturnRequest, reason: str, by: User) -> None:
    _check(ret, R.REFUSED)
    ret.status = R.REFUSED
    ret.refusal_reason = reason.strip()
    lifecycle.record(ret.case, "return_refused", ret.refusal_reason, by)
    audit.record("return.refused", ret, user=by)


def mark_received(ret: ReturnRequest, note: str | None, by: User) -> None:
    """The product is back with us."""
    _check(ret, R.RECEIVED)
    ret.status = R.RECEIVED
    lifecycle.record(ret.case, "return_received", (note or "").strip() or None, by)
    audit.record("return.received", ret, user=by)


def complete(ret: ReturnRequest, amount_cents: int | None, resolve_case: bool, by: User) -> None:
    """Refunded, exchanged or repaired, as decided. A refund says how much (the amount given
    now, else the one approved). With `resolve_case` the case is resolved too (not closed: the
    office closes it as usual), when nothing else on it is still open."""
    if ret.decision is None:  # only approval sets it: not approved yet (or refused)
        _check(ret, R.REFUNDED)
        raise DomainError("This return has no decision: approve it first.")
    to = COMPLETES_AS[ret.decision]
    _check(ret, to)
    if amount_cents is None:
        amount_cents = ret.amount_cents
    if amount_cents is None and ret.decision is ReturnDecision.REFUND:
        raise DomainError("Enter the amount refunded.", "amount", "invalid")
    case = ret.case
    ret.status, ret.amount_cents = to, amount_cents
    text = ret.status.label + (f": {money.display(ret.amount_cents)}" if ret.amount_cents is not None else "")
    lifecycle.record(case, "return_completed", text, by)
    audit.record("return.completed", ret, {"status": ret.status.value}, user=by)
    if resolve_case:
        _resolve(case, ret, text, by)


def _resolve(case: Case, ret: ReturnRequest, text: str, by: User) -> None:
    if any(not v.status.is_finished for v in case.visits):
        raise DomainError("A visit on this case is still open: finish or cancel it, or untick “Resolve the case”.",
                          "resolve_case")
    if any(r.status.is_open for r in case.return_requests if r is not ret):
        raise DomainError("Another return on this case is still open: untick “Resolve the case”.", "resolve_case")
    if case.status is CaseStatus.RESOLVED or not lifecycle.can_move(case, CaseStatus.RESOLVED):
        return
    case.resolution_summary = case.resolution_summary or f"Return {text[0].lower()}{text[1:]}."
    lifecycle.move(case, CaseStatus.RESOLVED, "resolved", case.resolution_summary, by)


@dataclass
class ReturnsPage:
    rows: list[ReturnRequest]
    page: int
    has_next: bool


def queue(status: R | None, page: int = 1, everything: bool = False) -> ReturnsPage:
    """One page of returns: the open ones (oldest first) by default, one status, or all (newest first)."""
    statement = select(ReturnRequest)
    if status is not None:
        statement = statement.where(ReturnRequest.status == status)
    elif not everything:
        statement = statement.where(ReturnRequest.status.in_(OPEN_STATUSES))
    oldest_first = status is None and not everything or (status is not None and status.is_open)
    order = (ReturnRequest.created_at, ReturnRequest.id) if oldest_first else (
        ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
    rows = db.session.scalars(
        statement.options(joinedload(ReturnRequest.case).joinedload(Case.customer),
                          joinedload(ReturnRequest.asset).joinedload(Asset.product_model))
        .order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).unique().all()
    return ReturnsPage(list(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE)
