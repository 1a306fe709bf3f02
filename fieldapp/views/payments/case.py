"""The payments section of the case page: per billable visit, what is due, invoiced and paid, and
the office's form to record it."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldapp import money
from fieldapp.extensions import db
from fieldapp.forms.payments import PaymentForm
from fieldapp.models import Case, Payment, PaymentMethod, Visit, VisitStatus
from fieldapp.services import payments
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("payments", __name__)
case_page = page("case")


def _billable(case: Case) -> list[tuple[Visit, Payment | None]]:
    """The case's completed visits with something to pay, with their records (one query)."""
    done = [v for v in case.visits if v.status is VisitStatus.COMPLETED]
    found = {p.visit_id: p for p in db.session.scalars(select(Payment).where(Payment.visit_id.in_([v.id for v in done])))
             } if done else {}
    return [(v, found.get(v.id)) for v in done if found.get(v.id) is not None or (v.billable_cents or 0) > 0]


def _form(visit: Visit, payment: Payment | None, refused: Refused | None) -> PaymentForm:
    submitted = form_in(refused, ("payment", visit.id))
    if submitted is not None:
        return submitted
    if payment is None:
        return PaymentForm(formdata=None)
    return PaymentForm(formdata=None, invoice_number=payment.invoice_number, invoiced_on=payment.invoiced_on,
                       paid=money.as_input(payment.paid_cents) if payment.paid_cents else "", paid_on=payment.paid_on,
                       method=payment.method.value if payment.method else "", reference=payment.reference,
                       note=payment.note)


def _section(case: Case, refused: Refused | None) -> dict:
    rows = _billable(case)
    return {"payment_rows": [(v, p, p and payments.summary(p), _form(v, p, refused)) for v, p in rows],
            "payment_open": refused.slot[1] if refused is not None and isinstance(refused.slot, tuple)
            and refused.slot[0] == "payment" else None}


case_page.add(Section("payments", "payments/_case.html", _section, order=80))


@bp.post("/cases/<int:case_id>/visits/<int:visit_id>/payment")
@roles(*OFFICE)
def record(case_id: int, visit_id: int):
    case = load_case(case_id)
    visit = next((v for v in case.visits if v.id == visit_id), None) or abort(404)
    form = PaymentForm()
    return act(form, lambda: payments.record(
        visit, form.invoice_number.data, form.invoiced_on.data, form.paid.cents, form.paid_on.data,
        PaymentMethod(form.method.data) if form.method.data else None, form.reference.data, form.note.data,
        current_user), OnPage(case_page, case_id, _("Payment saved."), anchor="payments"), ("payment", visit_id))
