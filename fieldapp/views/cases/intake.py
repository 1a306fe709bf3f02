"""New requests at the dispatcher's desk (process step 1): by phone, email, chat or walk-in.
Find the customer or type in a new one, find the product, and see an open case on it before
opening a second."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.forms.intake import IntakeForm
from fieldapp.models import CaseType, Channel, Priority
from fieldapp.services import catalog, customers, intake
from fieldapp.values import parse_id
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.sections import OnForm

bp = Blueprint("intake", __name__, url_prefix="/intake")


def _form(**kwargs) -> IntakeForm:
    form = IntakeForm(**kwargs)
    form.set_choices(catalog.models_by_name())
    return form


def _page(form: IntakeForm, refused: Refused | None = None) -> str:
    customer = customers.get(form.customer_id.data) if form.customer_id.data else None
    return render_template(
        "intake/new.html", form=form, customer=customer,
        products=customers.products(customer) if customer else [],
        error=refused.elsewhere if refused else None, open_cases=getattr(refused and refused.error, "open_cases", []),
        similar=customers.likely_duplicates(form.new_email.data, form.new_phone.data) if form.new_name.data else [],
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    if request.method == "GET":
        chosen = parse_id(request.args.get("customer_id", ""))
        return _page(_form(formdata=None, customer_id=chosen if chosen and customers.get(chosen) else None))
    form = _form()

    def change():
        return intake.take_at_desk(form.customer_id.data, form.new_customer, form.asset_id.data, form.serial.data,
                           Channel(form.channel.data), CaseType(form.case_type.data), Priority(form.priority.data),
                           form.description.data, form.contact, current_user, form.confirm_duplicate.data,
                           form.confirm_new_customer.data, form.new_product)

    return act(form, change, OnForm(lambda case: url_for("cases.show", case_id=case.id),
                                    lambda case: _("Case %(number)s opened. Assess it below.", number=case.number),
                                    lambda refused: _page(form, refused)))
