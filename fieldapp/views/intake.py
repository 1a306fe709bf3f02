"""New requests at the dispatcher's desk (process step 1): by phone, email, chat or walk-in.
Find the customer or create one, find the product, and see an open case on it before opening
a second."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.domain import DomainError
from fieldapp.forms.intake import IntakeForm
from fieldapp.htmx import see_other
from fieldapp.models import CaseType, Channel, Priority
from fieldapp.params import parse_id
from fieldapp.services import assets, cases, customers
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("intake", __name__, url_prefix="/intake")


def _page(form: IntakeForm, status: int = 200, refusal: Refusal | None = None, duplicates=None):
    customer = customers.get(form.customer_id.data) if form.customer_id.data else None
    return render_template(
        "intake/new.html", form=form, customer=customer,
        products=customers.products(customer) if customer else [],
        error=refusal.elsewhere if refusal else None, open_cases=duplicates or [],
        similar=customers.likely_duplicates(form.new_email.data, form.new_phone.data) if form.new_name.data else [],
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    form = IntakeForm()
    if request.method == "GET":
        chosen = parse_id(request.args.get("customer_id", ""))
        form = IntakeForm(formdata=None, customer_id=chosen if chosen and customers.get(chosen) else None)
        return _page(form)
    caught = {}

    def apply():
        customer = _customer(form)
        asset = _asset(form, customer)
        try:
            return cases.take_request(customer, asset, Channel(form.channel.data), CaseType(form.case_type.data),
                                      Priority(form.priority.data), form.description.data, form.contact,
                                      current_user, form.confirm_duplicate.data,
                                      new_customer=not form.customer_id.data)
        except cases.DuplicateCase as duplicate:
            caught["open_cases"] = duplicate.open_cases
            raise

    def done(case):
        flash(f"Case {case.number} opened. Assess it below.", "success")
        return see_other(url_for("cases.show", case_id=case.id))

    return perform(form, apply, done, lambda refusal: _page(form, refusal.status, refusal, caught.get("open_cases")))


def _customer(form: IntakeForm):
    if form.customer_id.data:
        return customers.get(form.customer_id.data) or _refuse("That customer no longer exists.", "customer_id")
    return customers.create(form.new_name.data, form.new_phone.data, form.new_email.data, form.new_address.data,
                            None, current_user, allow_duplicate=form.confirm_new_customer.data)


def _asset(form: IntakeForm, customer):
    if form.asset_id.data:
        asset = next((a for a in customers.products(customer) if a.id == form.asset_id.data), None)
        return asset or _refuse("Choose one of this customer's products.", "asset_id")
    serial = (form.serial.data or "").strip()
    if not serial:
        return None
    return assets.by_serial(serial) or _refuse(f"No product has serial number {serial}. Register it first, "
                                               "or leave the serial empty.", "serial")


def _refuse(message: str, field: str):
    raise DomainError(message, field, "invalid")
