"""What the technician records on a visit's report, one field at a time (each saved as it is
entered on the phone, online or from its queue).

A finished visit's report is locked, except what is settled after the visit (the payment).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fieldapp.models import FaultKind, FollowUpRecommendation, Outcome, PaymentStatus, ServiceType, Visit
from fieldapp.services import faults, payments, visits

# What may still change once the visit is finished: "paid" is often settled afterwards.
EDITABLE_WHEN_FINISHED = frozenset({"payment_status"})


def editable(visit: Visit, name: str) -> bool:
    return not visit.status.is_finished or name in EDITABLE_WHEN_FINISHED


def record(visit: Visit, name: str, values: dict, happened_at: datetime | None = None) -> None:
    """Save field `name` of the report with the form's `values`; `happened_at`: when a change
    queued on an offline phone was made there (checked like a step's time)."""
    if name not in EDITABLE_WHEN_FINISHED:
        visits.ensure_editable(visit)
    visits.technician_time(visit, happened_at)
    SETTERS[name](visit, **values)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _service_type(visit: Visit, service_type: ServiceType, also: list[ServiceType] | None = None) -> None:
    visit.service_type = service_type
    visit.extra_service_types = ",".join(t.value for t in also or [] if t is not service_type) or None


def _outcome(visit: Visit, outcome: Outcome) -> None:
    visit.outcome = outcome


def _actions(visit: Visit, text: str | None) -> None:
    visit.actions_taken = _text(text)


def _advice(visit: Visit, text: str | None, tip: str | None = None) -> None:
    """The advice as typed, plus a care tip picked from the product's list (once)."""
    text, tip = (text or "").strip(), (tip or "").strip()
    if tip and tip not in text:
        text = f"{text}\n{tip}".strip()
    visit.preventative_advice = text or None


def _next_steps(visit: Visit, text: str | None) -> None:
    visit.next_steps = _text(text)


def _follow_up(visit: Visit, recommendation: FollowUpRecommendation, days: int | None) -> None:
    visit.follow_up = recommendation
    visit.follow_up_days = None if recommendation is FollowUpRecommendation.NONE else days


def _transport(visit: Visit, cents: int) -> None:
    visit.transport_cost_cents = cents


def _other_cost(visit: Visit, cents: int | None, note: str | None) -> None:
    visit.other_cost_cents = cents or 0
    visit.other_cost_note = _text(note)


def _payment(visit: Visit, payment_status: PaymentStatus) -> None:
    visit.payment_status = payment_status
    if payment_status is PaymentStatus.PAID:
        payments.technician_says_paid(visit)


def _fault_codes(visit: Visit, codes: dict[FaultKind, int | None]) -> None:
    faults.set_codes(visit, codes)


SETTERS: dict[str, Callable[..., None]] = {
    "service_type": _service_type, "outcome": _outcome, "fault_codes": _fault_codes, "actions_taken": _actions,
    "preventative_advice": _advice, "follow_up": _follow_up, "next_steps": _next_steps,
    "transport_cost": _transport, "other_cost": _other_cost, "payment_status": _payment,
}
