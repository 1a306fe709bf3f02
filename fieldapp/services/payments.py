"""What is billable on a completed visit becomes a payment record: to be invoiced, invoiced, partly
paid, paid. The technician's "Paid" on site and the office's record keep each other true: the
visit's payment status follows the record."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from fieldapp import clock, money
from fieldapp.domain import DomainError
from fieldapp.models import Payment, PaymentMethod, PaymentState, PaymentStatus, User, Visit, VisitStatus
from fieldapp.services import audit


def state_of(payment: Payment) -> PaymentState:
    if payment.amount_due_cents and payment.paid_cents >= payment.amount_due_cents:
        return PaymentState.PAID
    if payment.paid_cents > 0:
        return PaymentState.PARTLY_PAID
    if payment.invoice_number or payment.invoiced_on:
        return PaymentState.INVOICED
    return PaymentState.TO_INVOICE


def bill(visit: Visit) -> Payment | None:
    """On completion: the visit's billable amount is to be invoiced (or paid, when the technician
    took the money on site). Nothing billable: no record."""
    due = visit.billable_cents or 0
    payment = visit.payment
    if due <= 0 and payment is None:
        return None
    if payment is None:
        payment = Payment(amount_due_cents=due, paid_cents=0)
        visit.payment = payment
    payment.amount_due_cents = due
    if visit.payment_status is PaymentStatus.PAID and payment.paid_cents < due:
        _paid_on_site(payment)
    payment.state = state_of(payment)
    return payment


def technician_says_paid(visit: Visit) -> None:
    """The technician set "Paid" on a completed visit: the money was taken on site."""
    if visit.status is VisitStatus.COMPLETED and visit.payment is not None and visit.payment.paid_cents < visit.payment.amount_due_cents:
        _paid_on_site(visit.payment)
        visit.payment.state = state_of(visit.payment)


def _paid_on_site(payment: Payment) -> None:
    payment.paid_cents = payment.amount_due_cents
    payment.paid_on = clock.today()
    payment.method = PaymentMethod.ON_SITE


def record(visit: Visit, invoice_number: str | None, invoiced_on: date | None, paid_cents: int | None,
           paid_on: date | None, method: PaymentMethod | None, reference: str | None, note: str | None,
           by: User) -> Payment:
    """The office records the invoice and what was paid so far; the state follows from it."""
    payment = visit.payment
    if payment is None:
        if visit.status is not VisitStatus.COMPLETED or not visit.billable_cents:
            raise DomainError(_("Nothing on this visit is billable."), kind="invalid")
        payment = bill(visit)
    paid_cents = paid_cents or 0
    today = clock.today()
    errors = {}
    if paid_cents > payment.amount_due_cents:
        errors["paid"] = _("That is more than is due (%(due)s). Record a refund as a return.",
                           due=money.display(payment.amount_due_cents))
    if paid_cents and paid_on is None:
        errors["paid_on"] = _("Enter the day it was paid.")
    if paid_cents and method is None:
        errors["method"] = _("Choose how it was paid.")
    if not paid_cents and (paid_on or method or reference):
        errors["paid"] = _("Enter the amount paid, or leave the payment fields empty.")
    if paid_on and paid_on > today:
        errors["paid_on"] = _("A payment cannot be received after today.")
    if invoiced_on and invoiced_on > today:
        errors["invoiced_on"] = _("An invoice cannot be sent after today.")
    if errors:
        raise DomainError(next(iter(errors.values())), kind="invalid", errors=errors)
    payment.invoice_number, payment.invoiced_on = invoice_number, invoiced_on
    payment.paid_cents, payment.paid_on = paid_cents, paid_on if paid_cents else None
    payment.method, payment.reference = (method, reference) if paid_cents else (None, None)
    payment.note, payment.updated_by_id = note, by.id
    payment.state = state_of(payment)
    visit.payment_status = PaymentStatus.PAID if payment.state is PaymentState.PAID else PaymentStatus.TO_INVOICE
    audit.record("visit.payment_recorded", visit, {"state": payment.state.value, "paid_cents": paid_cents,
                                                   "invoice": invoice_number}, user=by)
    return payment


def summary(payment: Payment) -> str:
    """One sentence for the report and the case page."""
    due = money.display(payment.amount_due_cents)
    if payment.state is PaymentState.PAID:
        text = _("Paid: %(amount)s", amount=money.display(payment.paid_cents))
    elif payment.state is PaymentState.PARTLY_PAID:
        text = _("Partly paid: %(paid)s of %(due)s", paid=money.display(payment.paid_cents), due=due)
    elif payment.state is PaymentState.INVOICED:
        text = _("Invoiced: %(due)s", due=due)
    else:
        text = _("To be invoiced: %(due)s", due=due)
    details = []
    if payment.invoice_number and payment.invoiced_on:
        details.append(_("invoice %(number)s of %(day)s", number=payment.invoice_number,
                         day=clock.day_text(payment.invoiced_on)))
    elif payment.invoice_number:
        details.append(_("invoice %(number)s", number=payment.invoice_number))
    elif payment.invoiced_on:
        details.append(_("invoiced %(day)s", day=clock.day_text(payment.invoiced_on)))
    if payment.paid_cents:
        paid = _("received %(day)s", day=clock.day_text(payment.paid_on)) if payment.paid_on else _("received")
        if payment.method:
            paid = _("%(received)s by %(method)s", received=paid, method=payment.method.label)
        if payment.reference:
            paid = _("%(received)s, reference %(reference)s", received=paid, reference=payment.reference)
        details.append(paid)
    return "; ".join([text, *details])
