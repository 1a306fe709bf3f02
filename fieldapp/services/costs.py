"""What a visit costs and who pays: labour, parts and transport, each covered or billable
according to the asset's warranty or contract on the visit date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp import clock
from fieldapp.models import Coverage, CoverageKind, PaymentStatus, ServiceAgreement, Visit


@dataclass
class CostLine:
    """One line of the bill, as numbers: the templates format it (_cost_lines.html)."""

    kind: str  # "labour", "part" or "transport"
    label: str
    amount_cents: int
    covered: bool
    quantity: int = 1  # parts: how many; labour: minutes
    unit_cents: int = 0  # parts: price each; labour: the hourly rate
    sku: str | None = None


@dataclass
class CostBreakdown:
    coverage: Coverage | None
    lines: list[CostLine] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def covered_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.covered)

    @property
    def billable_cents(self) -> int:
        return self.total_cents - self.covered_cents


def visit_day(visit: Visit) -> date:
    moment = visit.arrived_at or visit.scheduled_start
    return clock.local_day(moment)


def coverage_for(visit: Visit) -> Coverage | ServiceAgreement | None:
    """What covers the visit on its day: the product's warranty or contract; else a service
    agreement of the customer (sold without a product) running that day."""
    return coverage_on(visit.case.asset, visit.case.customer, visit_day(visit))


def coverage_on(asset, customer, day: date) -> Coverage | ServiceAgreement | None:
    """What covers a product of `customer` on `day`: its own warranty or contract first, else
    the customer's agreement; either may be missing (a case without a product)."""
    found = asset.coverage_on(day) if asset else None
    if found is None and customer is not None:
        found = agreement_on(customer, day)
    return found


def agreement_on(customer, day: date) -> ServiceAgreement | None:
    """The customer's service agreement running on `day` (the latest to end, if several)."""
    running = [a for a in customer.agreements if a.is_active_on(day)]
    return max(running, key=lambda a: a.ends_on) if running else None


def coverage_badge(kind: CoverageKind | None) -> tuple[str, str]:
    """(css modifier, text) for the badge shown on Today and the visit page: what covers the
    visit (the kind of coverage in force on its day), or nothing."""
    if kind is None:
        return "billable", _("Billable")
    if kind.is_contract:
        return "covered", _("Under contract")
    return "covered", _("In warranty")


# What a coverage pays for, as the visit page says it: "covers parts, labour until ...". Each list
# is one whole text (parts, labour, transport: in that order).
COVERED_ITEMS = {
    (True, True, True): _l("parts, labour, transport"),
    (True, True, False): _l("parts, labour"),
    (True, False, True): _l("parts, transport"),
    (True, False, False): _l("parts"),
    (False, True, True): _l("labour, transport"),
    (False, True, False): _l("labour"),
    (False, False, True): _l("transport"),
    (False, False, False): _l("nothing"),
}


def covered_items(coverage: Coverage) -> str:
    """What the coverage pays for, in the reader's language ("parts, labour"; "nothing")."""
    return str(COVERED_ITEMS[bool(coverage.covers_parts), bool(coverage.covers_labour),
                             bool(coverage.covers_transport)])


def breakdown(visit: Visit) -> CostBreakdown:
    coverage = coverage_for(visit)
    result = CostBreakdown(coverage)
    minutes = visit.worked_minutes or 0
    result.lines.append(CostLine("labour", _("Labour"), round(minutes * visit.labour_rate_cents / 60),
                                 bool(coverage and coverage.covers_labour), minutes, visit.labour_rate_cents))
    for row in visit.parts:
        result.lines.append(CostLine("part", row.part.name, row.line_total_cents, row.covered, row.quantity,
                                     row.unit_cost_cents, row.part.sku))
    result.lines.append(CostLine("transport", _("Transport"), visit.transport_cost_cents,
                                 bool(coverage and coverage.covers_transport)))
    if visit.other_cost_cents or visit.other_cost_note:
        result.lines.append(CostLine("other", visit.other_cost_note or _("Other costs"), visit.other_cost_cents, False))
    return result


def store_totals(visit: Visit) -> None:
    """Keep the totals on the completed visit: what reports and exports read."""
    costs = breakdown(visit)
    visit.labour_cents = sum(line.amount_cents for line in costs.lines if line.kind == "labour")
    visit.parts_cents = sum(line.amount_cents for line in costs.lines if line.kind == "part")
    visit.total_cents = costs.total_cents
    visit.covered_cents = costs.covered_cents
    visit.billable_cents = costs.billable_cents


def settled_payment_status(visit: Visit) -> PaymentStatus | None:
    """The payment status a visit gets when it completes."""
    costs = breakdown(visit)
    if costs.billable_cents > 0:
        return PaymentStatus.TO_INVOICE
    if costs.coverage is None:
        return None  # nothing charged and nothing to cover
    if costs.coverage.kind.is_contract:
        return PaymentStatus.COVERED_CONTRACT
    return PaymentStatus.COVERED_WARRANTY
