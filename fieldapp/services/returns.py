"""Returns and refunds (process step 10): a customer sends a product back within its model's
return window. The request is judged on the day it is made (the company's today) and keeps that
judgement; approving one that is not eligible needs a note saying why. Its status moves only
along the table below, and every step is a line on the case's timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock, money
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset,
    Case,
    CaseStatus,
    CaseType,
    Channel,
    Priority,
    ReturnCondition,
    ReturnDecision,
    ReturnRequest,
    User,
)
from fieldapp.models import (
    ReturnStatus as R,
)
from fieldapp.services import audit, content, intake, lifecycle, phones

NOT_RETURNABLE = _l("This model cannot be returned")
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
# A return's status in the middle of a sentence ("A return that is approved cannot be
# refused."): in English the label in lower case; each language writes its own.
IN_A_SENTENCE = {R.REQUESTED: _l("requested"), R.APPROVED: _l("approved"), R.REFUSED: _l("refused"),
                 R.RECEIVED: _l("received back"), R.REFUNDED: _l("refunded"), R.EXCHANGED: _l("exchanged"),
                 R.REPAIRED: _l("repaired and sent back")}
# The refusal of a step the table does not allow, by the status the step leads to.
STEP_REFUSED = {R.APPROVED: _l("A return that is %(status)s cannot be approved."),
                R.REFUSED: _l("A return that is %(status)s cannot be refused."),
                R.RECEIVED: _l("A return that is %(status)s cannot be marked received."),
                R.REFUNDED: _l("A return that is %(status)s cannot be completed."),
                R.EXCHANGED: _l("A return that is %(status)s cannot be completed."),
                R.REPAIRED: _l("A return that is %(status)s cannot be completed.")}
# The case's resolution summary when a completed return resolves it (with an amount, without).
RESOLVED_AS = {R.REFUNDED: (_l("Return refunded: %(amount)s."), _l("Return refunded.")),
               R.EXCHANGED: (_l("Return exchanged: %(amount)s."), _l("Return exchanged.")),
               R.REPAIRED: (_l("Return repaired and sent back: %(amount)s."), _l("Return repaired and sent back."))}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    window_days: int
    last_day: date | None  # the last day a return may be asked for; None: the model is not returnable

    @property
    def reason(self) -> str:
        """Why, in the reader's language (a return keeps it in the company's: `request`)."""
        if self.last_day is None:
            return str(NOT_RETURNABLE)
        day = clock.day_text(self.last_day)
        if self.eligible:
            return _("Within the %(days)d-day return period (until %(day)s)", days=self.window_days, day=day)
        return _("The %(days)d-day return period ended on %(day)s", days=self.window_days, day=day)

    @property
    def sentence(self) -> str:
        """The reason as a sentence of its own (a refusal on the public page)."""
        if self.last_day is None:
            return _("This model cannot be returned.")
        day = clock.day_text(self.last_day)
        if self.eligible:
            return _("Within the %(days)d-day return period (until %(day)s).", days=self.window_days, day=day)
        return _("The %(days)d-day return period ended on %(day)s.", days=self.window_days, day=day)


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
        return Eligibility(False, window, None)
    last_day = asset.sales_date + timedelta(days=window)
    return Eligibility(on <= last_day, window, last_day)


@dataclass(frozen=True)
class Policy:
    """What the product's public page says about returning it, today."""
    window_days: int
    conditions: str | None  # in the reader's language where the office translated them
    today: Eligibility
    in_progress: bool  # a return of it is being handled already


def policy(asset: Asset, on: date) -> Policy:
    judged = eligibility(asset, on)
    model = asset.product_model
    content.preload_model(model)  # the page's other translated text (FAQ, links) in the same query
    conditions = content.localized(model, "return_conditions")
    return Policy(model.return_window_days, (conditions or "").strip() or None, judged,
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
        raise DomainError(judged.sentence, kind="conflict")
    if contact and contact.get("phone"):  # as typed on the product's page: kept in E.164, refused at "phone"
        contact = {**contact, "phone": phones.normalized(contact["phone"], "phone")}
    if case is not None:
        if case.asset_id != asset.id:
            raise DomainError(_("That product is not the one on this case."), kind="invalid")
        if not case.status.is_open:
            raise DomainError(_("This case is %(status)s. Reopen it first.",
                                status=lifecycle.in_a_sentence(case.status)))
    existing = open_return_for(asset)
    if existing is not None:
        if user is None:
            raise DomainError(_("A return of this product is already in progress."))
        raise DomainError(_("A return of this product is already in progress (case %(number)s).",
                            number=existing.case.number))
    with lifecycle.for_the_record():  # kept on the case for the office: the company's language
        description = _("Return: %(reason)s", reason=reason.strip())
        stored_reason = judged.reason
        values = {"condition": condition.label, "reason": reason.strip(), "eligibility": stored_reason}
        if user is None:
            note = (_("Requested from the product's QR label. %(condition)s: %(reason)s — eligible: "
                      "%(eligibility)s.", **values) if judged.eligible else
                    _("Requested from the product's QR label. %(condition)s: %(reason)s — not eligible: "
                      "%(eligibility)s.", **values))
        else:
            note = (_("Requested by the office. %(condition)s: %(reason)s — eligible: %(eligibility)s.", **values)
                    if judged.eligible else
                    _("Requested by the office. %(condition)s: %(reason)s — not eligible: %(eligibility)s.",
                      **values))
    if case is None:
        case = intake.take_request(asset.customer, asset, Channel.QR if user is None else channel, CaseType.RETURN,
                                  Priority.NORMAL, description, contact or {}, user, allow_duplicate=True)
    requested = ReturnRequest(asset=asset, reason=reason.strip(), condition=condition,
                              requested_on=clock.today(), eligible=judged.eligible,
                              eligibility_reason=stored_reason, status=R.REQUESTED, created_by=user)
    case.return_requests.append(requested)
    lifecycle.record(case, "return_requested", note, user)
    db.session.flush()
    audit.record("return.requested", requested, {"eligible": judged.eligible}, user=user)
    return requested


def case_id_of(return_id: int) -> int | None:
    return db.session.scalar(select(ReturnRequest.case_id).where(ReturnRequest.id == return_id))


def find(case: Case, return_id: int) -> ReturnRequest:
    found = next((r for r in case.return_requests if r.id == return_id), None)
    if found is None:
        raise DomainError(_("That return is not on this case."), kind="not_found")
    return found


def _check(ret: ReturnRequest, to: R) -> None:
    """Refuse a step the table does not allow (a conflict), or any step on a case no longer open."""
    if not ret.case.status.is_open:
        raise DomainError(_("This case is %(status)s. Reopen it first.",
                            status=lifecycle.in_a_sentence(ret.case.status)))
    if to not in TRANSITIONS[ret.status]:
        raise DomainError(str(STEP_REFUSED[to]) % {"status": IN_A_SENTENCE[ret.status]})


def approve(ret: ReturnRequest, decision: ReturnDecision, amount_cents: int | None, override_note: str | None,
            by: User) -> None:
    """Approve with what will be done (refund, exchange, repair) and, for a refund, the amount if
    known. A return that was not eligible is approved only with a note saying why."""
    _check(ret, R.APPROVED)
    note = (override_note or "").strip() or None
    if not ret.eligible and note is None:
        raise DomainError(_("Not eligible: %(reason)s. Write why it is approved anyway.",
                            reason=ret.eligibility_reason), "override_note", "invalid")
    ret.status = R.APPROVED
    ret.decision, ret.amount_cents = decision, amount_cents
    ret.override_note = note if not ret.eligible else None
    with lifecycle.for_the_record():  # kept on the case for the office: the company's language
        values = {"decision": decision.label, "amount": money.display(amount_cents),
                  "reason": ret.eligibility_reason, "note": ret.override_note}
        if ret.override_note and amount_cents is not None:
            text = _("%(decision)s, %(amount)s. Not eligible (%(reason)s), approved because: %(note)s", **values)
        elif ret.override_note:
            text = _("%(decision)s. Not eligible (%(reason)s), approved because: %(note)s", **values)
        elif amount_cents is not None:
            text = _("%(decision)s, %(amount)s", **values)
        else:
            text = decision.label
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
        raise DomainError(_("This return has no decision: approve it first."))
    to = COMPLETES_AS[ret.decision]
    _check(ret, to)
    if amount_cents is None:
        amount_cents = ret.amount_cents
    if amount_cents is None and ret.decision is ReturnDecision.REFUND:
        raise DomainError(_("Enter the amount refunded."), "amount", "invalid")
    case = ret.case
    ret.status, ret.amount_cents = to, amount_cents
    with lifecycle.for_the_record():  # kept on the case for the office: the company's language
        if ret.amount_cents is not None:
            amount = money.display(ret.amount_cents)
            text = _("%(status)s: %(amount)s", status=ret.status.label, amount=amount)
            summary = str(RESOLVED_AS[to][0]) % {"amount": amount}
        else:
            text, summary = ret.status.label, str(RESOLVED_AS[to][1])
    lifecycle.record(case, "return_completed", text, by)
    audit.record("return.completed", ret, {"status": ret.status.value}, user=by)
    if resolve_case:
        _resolve(case, ret, summary, by)


def _resolve(case: Case, ret: ReturnRequest, summary: str, by: User) -> None:
    if any(not v.status.is_finished for v in case.visits):
        raise DomainError(_("A visit on this case is still open: finish or cancel it, or untick “Resolve the "
                            "case”."), "resolve_case")
    if any(r.status.is_open for r in case.return_requests if r is not ret):
        raise DomainError(_("Another return on this case is still open: untick “Resolve the case”."), "resolve_case")
    if case.status is CaseStatus.RESOLVED or not lifecycle.can_move(case, CaseStatus.RESOLVED):
        return
    case.resolution_summary = case.resolution_summary or summary
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
