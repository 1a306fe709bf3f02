"""The After-Sale Services Report of one case: one read model that the page, the PDF and the email
all render, in the order and under the headings of the report document (seeds: the after-sale
services report). Every section is present; an empty one says so."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldapp import clock, formats, money
from fieldapp.extensions import db
from fieldapp.models import (
    ASPECTS, Asset, Case, Coverage, Customer, FollowUpRecommendation, Rating, RemoteSupportSession, ReturnRequest,
    ReturnStatus, ServiceType, User, Visit, VisitPart, VisitStatus,
)
from fieldapp.services import content, costs, payments, recommendations, returns, settings, sla

ASPECT_LABELS = {
    "overall": _l("Overall"), "timeliness": _l("Timeliness"), "professionalism": _l("Professionalism"),
    "quality": _l("Quality of work"), "product_performance": _l("Product performance"),
}
# What a coverage pays for (Coverage.covered_items), in words.
COVERED_ITEMS = {"parts": _l("parts"), "labour": _l("labour"), "transport": _l("transport")}


def covered_words(items: list[str]) -> list[str]:
    return [str(COVERED_ITEMS.get(item, item)) for item in items]


@dataclass
class PartLine:
    name: str
    sku: str
    quantity: int
    unit_cents: int
    total_cents: int
    covered: bool
    faulty_serial: str | None = None
    replacement_serial: str | None = None
    repaired: bool = False


@dataclass
class RemoteLine:
    """A remote support session: a service provided (troubleshooting) without a visit."""
    at: datetime
    channel: str
    by: str | None
    steps: str
    outcome: str
    solved: bool

    @property
    def day(self) -> date:
        return clock.local(self.at).date()


@dataclass
class ReturnLine:
    requested_on: date
    reason: str
    condition: str
    eligible: bool
    eligibility_reason: str
    override_note: str | None
    decision: str | None
    amount_cents: int | None
    status: str
    refunded: bool
    refusal_reason: str | None


@dataclass
class TargetLine:
    """A service target of the contract (or the company's for the priority), and how it went."""
    name: str
    target_hours: int
    state: str
    met: bool | None  # None while the clock still runs
    stopped_at: datetime | None


@dataclass
class CoverageInfo:
    kind: str
    reference: str | None
    starts_on: date
    ends_on: date
    covers: list[str]
    terms: str | None
    maintenance_visits_per_year: int

    @classmethod
    def of(cls, coverage: Coverage | None) -> CoverageInfo | None:
        if coverage is None:
            return None
        return cls(coverage.kind.label, coverage.reference, coverage.starts_on, coverage.ends_on,
                   covered_words(coverage.covered_items), coverage.terms, coverage.maintenance_visits_per_year)

    @property
    def summary(self) -> str:
        covers = ", ".join(self.covers) if self.covers else _("nothing")
        if self.reference:
            return _("%(kind)s %(reference)s: %(covers)s until %(day)s", kind=self.kind, reference=self.reference,
                     covers=covers, day=clock.day_text(self.ends_on))
        return _("%(kind)s: %(covers)s until %(day)s", kind=self.kind, covers=covers, day=clock.day_text(self.ends_on))


@dataclass
class Costs:
    labour_cents: int = 0
    parts_cents: int = 0
    transport_cents: int = 0
    other_cents: int = 0
    covered_cents: int = 0
    billable_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.labour_cents + self.parts_cents + self.transport_cents + self.other_cents

    def add(self, other: Costs) -> None:
        for name in ("labour_cents", "parts_cents", "transport_cents", "other_cents", "covered_cents",
                     "billable_cents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class VisitSection:
    id: int
    service_type: str
    status: str
    day: date
    technician_name: str
    technician_role: str
    technician_phone: str | None
    technician_email: str
    outcome: str | None
    not_completed: str | None
    actions: str | None
    preventative_advice: str | None
    next_steps: str | None
    follow_up: str | None
    parts: list[PartLine]
    coverage: CoverageInfo | None
    costs: Costs
    other_cost_note: str | None
    payment_status: str | None
    rating: dict[str, int] | None
    rating_source: str | None
    comments: str | None
    complaint: str | None
    signer_name: str | None
    signature_path: str | None


@dataclass
class CaseRatingLine:
    """The rating of a case as a whole (solved without a visit)."""
    given_at: datetime
    rating: dict[str, int]
    source: str
    comments: str | None
    complaint: str | None

    @property
    def day(self) -> date:
        return clock.local(self.given_at).date()


@dataclass
class ComplaintLine:
    received_at: datetime
    source: str
    description: str
    resolution: str | None
    customer_response: str | None
    resolved_at: datetime | None


@dataclass
class FollowUpLine:
    kind: str
    due_on: date
    notes: str | None
    done_at: datetime | None
    outcome: str | None


@dataclass
class CaseReport:
    company: str
    number: str
    case_type: str
    status: str
    opened_at: datetime
    # 1. Customer details
    customer_name: str
    address: str | None
    phone: str | None
    email: str | None
    product: str | None
    model_number: str | None
    serial: str | None
    specifications: str | None
    sales_date: date | None
    contracts: list[CoverageInfo]
    warranty_terms: str | None
    warranty_conditions: str | None
    description: str
    # The request and its assessment (process steps 1 and 2)
    channel: str
    requester: str
    preferred_time: str | None
    assessment: str | None
    assessment_category: str | None
    # Solved (or tried) without a visit (process step 3)
    remote: list[RemoteLine]
    # Returns and refunds of the case, and the policy they are judged by
    returns: list[ReturnLine]
    return_window: str | None  # the product's window, as a sentence judged today
    return_conditions: str | None
    return_policy: str | None  # the company's
    # The service targets and whether they were met
    targets_source: str | None
    targets: list[TargetLine]
    # 2-3, 5-6 per visit
    visits: list[VisitSection]
    # 3. Customer feedback: the case's own rating (solved without a visit), complaints
    case_rating: CaseRatingLine | None
    complaints: list[ComplaintLine]
    # 4. Warranty / service contract
    coverage_now: CoverageInfo | None
    # Coverage on the day the service was given (the last visit, else the last remote session,
    # else the day the case was opened): the summary row speaks of the service, not of today.
    coverage_at_service: CoverageInfo | None
    service_day: date
    next_maintenance: date | None
    maintenance_schedule: list[date]
    recommendations: list[tuple[str, str]]  # (what, by when; its status), in the reader's words
    today: date
    # 5. Costs incurred (all visits)
    costs: Costs
    payment_status: str
    # 6. Actions and recommendations
    follow_ups: list[FollowUpLine]
    # 7. Conclusion
    summary: str | None
    next_steps: list[str]
    closure_date: date | None
    generated_at: datetime = field(default_factory=lambda: datetime.now(clock.zone()))

    @property
    def reported_visits(self) -> list[VisitSection]:
        return [v for v in self.visits if v.status != VisitStatus.CANCELLED.label]

    @property
    def latest_rating(self) -> VisitSection | CaseRatingLine | None:
        rated = [v for v in self.visits if v.rating]
        return rated[-1] if rated else self.case_rating

    def example_table(self) -> list[tuple[str, str]]:
        """The summary table of the report document's example, column by column."""
        visits = self.reported_visits
        last = visits[-1] if visits else None
        rated = self.latest_rating
        parts = [_("%(part)s × %(quantity)s (repaired)", part=p.name, quantity=p.quantity) if p.repaired
                 else f"{p.name} × {p.quantity}" for v in visits for p in v.parts]
        complaints = [c.description for c in self.complaints]
        no_service = _("No service given yet")
        remote_type = _("%(service)s (remote)", service=ServiceType.TROUBLESHOOTING.label)
        provided = [v.service_type for v in visits] + [remote_type for _r in self.remote]
        days = sorted({v.day for v in visits} | {r.day for r in self.remote})
        providers = [f"{v.technician_name}, {v.technician_role}" for v in visits]
        providers += [_("%(name)s, remote support", name=r.by) for r in self.remote if r.by]
        last_remote = self.remote[-1] if self.remote else None
        if last:
            outcome = last.outcome or last.not_completed or last.status
        elif last_remote:
            outcome = last_remote.outcome
        else:
            outcome = self.summary or no_service
        return [
            (_("Customer Name"), self.customer_name),
            (_("Product Purchased"), _("%(product)s (Model %(model_number)s)", product=self.product,
                                       model_number=self.model_number) if self.product else _("No product")),
            (_("Sales Date"), clock.day_text(self.sales_date) if self.sales_date else _("Not known")),
            (_("Service Provided"), ", ".join(dict.fromkeys(provided)) or no_service),
            (_("Service Date"), ", ".join(clock.day_text(day) for day in days) or no_service),
            (_("Service Provider"), ", ".join(dict.fromkeys(providers)) or no_service),
            (_("Service Outcome"), outcome),
            (_("Parts Replaced"), ", ".join(parts) or _("None")),
            (_("Customer Rating"), _("%(score)s/5 stars", score=rated.rating["overall"]) if rated else _("Not rated")),
            (_("Customer Feedback"), (rated.comments or _("No comments")) if rated else _("No feedback")),
            (_("Complaints/Issues"), "; ".join(complaints) or _("None")),
            (_("Warranty Coverage"), self.coverage_at_service.summary if self.coverage_at_service
             else _("No warranty or contract on %(day)s", day=clock.day_text(self.service_day))),
            (_("Cost Incurred"), self.cost_summary),
            (_("Next Steps"), "; ".join(self.next_steps) or _("None")),
            (_("Closure Date"), clock.day_text(self.closure_date) if self.closure_date else _("Open")),
        ]

    @property
    def refunded_cents(self) -> int:
        return sum(r.amount_cents or 0 for r in self.returns if r.refunded)

    @property
    def cost_summary(self) -> str:
        if self.refunded_cents:
            refund = _("%(amount)s refunded to the customer", amount=money.display(self.refunded_cents))
            if self.costs.total_cents == 0:
                return refund
            return "; ".join([self._service_costs(), refund])
        return self._service_costs()

    @property
    def next_maintenance_text(self) -> str | None:
        if self.next_maintenance is None:
            return None
        if self.next_maintenance < self.today:
            return _("Maintenance was due on %(day)s.", day=clock.day_text(self.next_maintenance))
        return _("Next maintenance due %(day)s.", day=clock.day_text(self.next_maintenance))

    def _service_costs(self) -> str:
        if self.costs.total_cents == 0:
            return _("Free")
        if self.costs.billable_cents == 0:
            return _("%(total)s, covered", total=money.display(self.costs.total_cents))
        return _("%(billable)s billable of %(total)s", billable=money.display(self.costs.billable_cents),
                 total=money.display(self.costs.total_cents))


def load_case(case_id: int) -> Case | None:
    """The case with everything the report reads, in a fixed number of queries."""
    return db.session.scalar(
        select(Case).where(Case.id == case_id).options(
            selectinload(Case.asset).selectinload(Asset.coverages),
            selectinload(Case.asset).selectinload(Asset.product_model),
            selectinload(Case.customer).selectinload(Customer.agreements),
            selectinload(Case.visits).selectinload(Visit.parts).selectinload(VisitPart.part),
            selectinload(Case.visits).selectinload(Visit.technician),
            selectinload(Case.visits).selectinload(Visit.rating),
            selectinload(Case.visits).selectinload(Visit.payment),
            selectinload(Case.visits).selectinload(Visit.recommendations),
            selectinload(Case.complaints), selectinload(Case.follow_ups), selectinload(Case.events),
            selectinload(Case.remote_sessions).selectinload(RemoteSupportSession.user),
            selectinload(Case.return_requests),
        ))


def _visit_costs(visit: Visit) -> Costs:
    result = Costs()
    for line in costs.breakdown(visit).lines:
        attribute = {"labour": "labour_cents", "part": "parts_cents", "transport": "transport_cents",
                     "other": "other_cents"}[line.kind]
        setattr(result, attribute, getattr(result, attribute) + line.amount_cents)
        if line.covered:
            result.covered_cents += line.amount_cents
        else:
            result.billable_cents += line.amount_cents
    return result


def _visit(visit: Visit) -> VisitSection:
    rating: Rating | None = visit.rating
    technician: User = visit.technician
    follow_up = _follow_up(visit.follow_up, visit.follow_up_days)
    return VisitSection(
        id=visit.id, service_type=formats.and_list([t.label for t in visit.service_types]), status=visit.status.label, day=costs.visit_day(visit),
        technician_name=technician.name, technician_role=technician.job_title or technician.role.label,
        technician_phone=technician.phone, technician_email=technician.email,
        outcome=visit.outcome.label if visit.outcome else None, not_completed=_not_completed(visit),
        actions=visit.actions_taken,
        preventative_advice=visit.preventative_advice, next_steps=visit.next_steps, follow_up=follow_up,
        parts=[PartLine(p.part.name, p.part.sku, p.quantity, p.unit_cost_cents, p.line_total_cents, p.covered,
                        p.faulty_serial, p.replacement_serial, p.repaired) for p in visit.parts],
        coverage=CoverageInfo.of(costs.coverage_for(visit)), costs=_visit_costs(visit),
        other_cost_note=visit.other_cost_note,
        payment_status=payments.summary(visit.payment) if visit.payment is not None
        else (visit.payment_status.label if visit.payment_status else None),
        rating={aspect: getattr(rating, aspect) for aspect in ASPECTS} if rating else None,
        rating_source=rating.source.label if rating else None,
        comments=rating.comments if rating else None, complaint=rating.complaint if rating else None,
        signer_name=rating.signer_name if rating else None, signature_path=rating.signature_svg if rating else None,
    )


def _case_rating(case_id: int) -> CaseRatingLine | None:
    rating = db.session.scalar(select(Rating).where(Rating.case_id == case_id, Rating.visit_id.is_(None)))
    if rating is None:
        return None
    return CaseRatingLine(rating.created_at, {aspect: getattr(rating, aspect) for aspect in ASPECTS},
                          rating.source.label, rating.comments, rating.complaint)


def _not_completed(visit: Visit) -> str | None:
    """Why a visit could not be completed, with the technician's note."""
    if visit.status is not VisitStatus.NOT_COMPLETED:
        return None
    reason = visit.not_completed_reason.label if visit.not_completed_reason else _("no reason given")
    if visit.not_completed_note:
        return _("Could not complete: %(reason)s. %(note)s", reason=reason, note=visit.not_completed_note)
    return _("Could not complete: %(reason)s.", reason=reason)


def _remote(session: RemoteSupportSession) -> RemoteLine:
    return RemoteLine(session.at, session.channel.label, session.user.name if session.user else None,
                      session.steps, session.outcome.label, session.outcome.value == "solved")


def _return(request: ReturnRequest) -> ReturnLine:
    return ReturnLine(request.requested_on, request.reason, request.condition.label, request.eligible,
                      request.eligibility_reason, request.override_note,
                      request.decision.label if request.decision else None, request.amount_cents,
                      request.status.label, request.status is ReturnStatus.REFUNDED, request.refusal_reason)


def _targets(case: Case) -> tuple[str | None, list[TargetLine]]:
    found = sla.clocks(case)
    if found is None:
        return None, []
    lines = []
    for one in (found.response, found.resolution):
        met = None if one.state in (sla.ClockState.RUNNING, sla.ClockState.AT_RISK, sla.ClockState.PAUSED) \
            else one.state is sla.ClockState.MET
        lines.append(TargetLine(one.name, round(one.target.total_seconds() / 3600), one.state.label, met,
                                one.stopped_at))
    return found.source, lines


def _follow_up(recommendation: FollowUpRecommendation, days: int | None) -> str | None:
    """The technician's recommendation with its number of days."""
    if recommendation is FollowUpRecommendation.CALL:
        if not days:
            return _("Call in ? days")
        return ngettext("Call in %(num)d day", "Call in %(num)d days", days)
    if recommendation is FollowUpRecommendation.VISIT:
        if not days:
            return _("Visit in ? days")
        return ngettext("Visit in %(num)d day", "Visit in %(num)d days", days)
    return None


def _payment_status(visits: list[VisitSection], total: Costs, refunded_cents: int) -> str:
    statuses = list(dict.fromkeys(v.payment_status for v in visits if v.payment_status))
    if refunded_cents:
        statuses.append(_("%(amount)s refunded to the customer", amount=money.display(refunded_cents)))
    if statuses:
        return "; ".join(statuses)
    return _("Nothing charged") if total.total_cents == 0 else _("Not settled yet")


def build(case: Case) -> CaseReport:
    from fieldapp.services import maintenance  # the planner's rule for the next maintenance date

    today = clock.today()
    asset, customer = case.asset, case.customer
    visits = [_visit(v) for v in sorted(case.visits, key=lambda v: v.scheduled_start)
              if v.status is not VisitStatus.CANCELLED]
    total = Costs()
    for visit in visits:
        total.add(visit.costs)
    follow_ups = [FollowUpLine(f.kind.label, f.due_on, f.notes, f.done_at, f.outcome) for f in case.follow_ups]
    schedule = maintenance.schedule(asset, 3, today) if asset else []
    next_maintenance = schedule[0] if schedule else None
    recommended = [r for v in sorted(case.visits, key=lambda v: v.scheduled_start) for r in v.recommendations]
    next_steps = [step for v in visits for step in ([v.next_steps] if v.next_steps else [])]
    next_steps += [recommendations.describe(r) for r in recommended if r.status.is_open]
    next_steps += [_("%(kind)s due %(day)s: %(notes)s", kind=f.kind, day=clock.day_text(f.due_on), notes=f.notes)
                   if f.notes else _("%(kind)s due %(day)s", kind=f.kind, day=clock.day_text(f.due_on))
                   for f in follow_ups if f.done_at is None]
    if next_maintenance:
        next_steps.append(_("Maintenance was due on %(day)s", day=clock.day_text(next_maintenance))
                          if next_maintenance < today else
                          _("Next maintenance due %(day)s", day=clock.day_text(next_maintenance)))
    model = asset.product_model if asset else None
    remote = [_remote(s) for s in case.remote_sessions]
    served = [v.day for v in visits] + [r.day for r in remote]
    service_day = max(served) if served else clock.local(case.created_at).date()
    targets_source, targets = _targets(case)
    requester = case.contact_name or (customer.name if customer else None) or _("Unknown requester")
    return CaseReport(
        company=current_app.config["COMPANY_NAME"], number=case.number, case_type=case.case_type.label,
        status=case.status.label, opened_at=case.created_at,
        customer_name=customer.name if customer else (case.contact_name or _("Unknown requester")),
        address=(asset.address if asset else None) or (customer.address if customer else None),
        phone=customer.phone if customer else case.contact_phone,
        email=customer.email if customer else case.contact_email,
        product=model.name if model else None, model_number=model.model_number if model else None,
        serial=asset.serial_number if asset else None, specifications=model.specifications if model else None,
        sales_date=asset.sales_date if asset else None,
        contracts=[CoverageInfo.of(c) for c in (asset.coverages if asset else [])]
        + [CoverageInfo.of(a) for a in (customer.agreements if customer else [])],
        warranty_terms=content.localized(model, "warranty_terms") if model else None,
        warranty_conditions=content.localized(model, "warranty_conditions") if model else None,
        description=case.description, visits=visits, case_rating=_case_rating(case.id),
        channel=case.channel.label, requester=requester, preferred_time=case.preferred_time,
        assessment=case.assessment_notes, assessment_category=case.assessment_category,
        remote=remote, returns=[_return(r) for r in case.return_requests],
        return_window=returns.eligibility(asset, today).sentence if asset else None,
        return_conditions=content.localized(model, "return_conditions") if model else None,
        return_policy=settings.current().return_policy,
        targets_source=targets_source, targets=targets,
        complaints=[ComplaintLine(c.received_at, c.source.label, c.description, c.resolution, c.customer_response,
                                  c.resolved_at) for c in case.complaints],
        coverage_now=CoverageInfo.of(costs.coverage_on(asset, customer, today)),
        coverage_at_service=CoverageInfo.of(costs.coverage_on(asset, customer, service_day)),
        service_day=service_day, today=today, next_maintenance=next_maintenance, maintenance_schedule=schedule,
        recommendations=[(recommendations.describe(r), r.status.label) for r in recommended], costs=total, payment_status=_payment_status(visits, total, sum(
            r.amount_cents or 0 for r in case.return_requests if r.status is ReturnStatus.REFUNDED)),
        follow_ups=follow_ups, summary=case.resolution_summary, next_steps=next_steps,
        closure_date=case.closed_on or (clock.local(case.resolved_at).date() if case.resolved_at else None),
    )


ASPECT_ORDER = [(aspect, ASPECT_LABELS[aspect]) for aspect in ASPECTS]
