"""Customers, for the dispatcher's desk: search, create (warning about likely duplicates), the
customer's page with their products and cases, edit, and a picker other forms embed."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock, languages
from fieldapp.forms.agreements import AgreementForm
from fieldapp.forms.customers import CustomerForm, NewCustomerForm
from fieldapp.models import Customer
from fieldapp.services import contact_preferences, customers
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.htmx import see_other, wants_fragment
from fieldapp.web.params import id_arg, page_arg, text_arg
from fieldapp.web.sections import OnForm

bp = Blueprint("customers", __name__, url_prefix="/customers")

QUERY_MAX = 80
PICK_LIMIT = 10


def pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


def load_customer(customer_id: int) -> Customer:
    return customers.get(customer_id) or abort(404)


@bp.get("/")
@roles(*OFFICE)
def index():
    query = text_arg("q", QUERY_MAX)
    found = customers.search(query, page_arg(), after=id_arg("after"), before=id_arg("before"))
    return render_template("customers/index.html", found=found, query=query)


@bp.get("/pick")
@roles(*OFFICE)
def pick():
    """Search results for customers.picker (htmx); a plain visit goes to the customer search."""
    query = text_arg("q", QUERY_MAX)
    if not wants_fragment():
        return see_other(url_for("customers.index", q=query or None))
    found = customers.pick(query, PICK_LIMIT + 1)
    return render_template("customers/_pick_results.html", query=query, results=found[:PICK_LIMIT],
                           more=len(found) > PICK_LIMIT, postcode=customers.postcode)


def _form_page(form, refused: Refused | None = None, customer: Customer | None = None) -> str:
    duplicates = []
    if refused is not None and refused.status == 409 and customer is None:
        duplicates = customers.likely_duplicates(form.email.data, form.phone.data)
    return render_template("customers/form.html", form=form, customer=customer, duplicates=duplicates,
                           error=refused.elsewhere if refused else None)


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    form = NewCustomerForm()
    if request.method == "GET":
        return _form_page(form)

    def created(customer):
        # None after a double tap: the first one created it.
        return (url_for("customers.show", customer_id=customer.id) if customer
                else url_for("customers.index", q=form.name.data))

    return act(form, lambda: customers.create(**form.values(), by=current_user,
                                              allow_duplicate=form.confirm_duplicate.data),
               OnForm(created, lambda customer: _("%(name)s added.", name=customer.name) if customer else
                      _("That customer was saved already."), lambda refused: _form_page(form, refused)))


def language_text(customer: Customer) -> str:
    """The language written to the customer in, by its own name: "Deutsch", or the company's."""
    names = languages.available()
    chosen = languages.valid(customer.language)
    if chosen is not None:
        return names[chosen]
    company = languages.company_language()
    return _("Same as the company (%(language)s)", language=names.get(company, company))


def _show_page(customer: Customer, agreement_form: AgreementForm | None = None) -> str:
    page = page_arg()
    cases, total = customers.cases(customer, page)
    return render_template("customers/show.html", customer=customer, products=customers.products(customer),
                           language=language_text(customer), opted_out=contact_preferences.opted_out(customer),
                           reach_gaps=contact_preferences.gaps(customer), cases=cases, cases_total=total, page=page,
                           pages=pages(total, customers.CASES_PAGE), today=clock.today(),
                           agreement_form=agreement_form or AgreementForm(formdata=None))


@bp.get("/<int:customer_id>")
@roles(*OFFICE)
def show(customer_id: int):
    return _show_page(load_customer(customer_id))


@bp.post("/<int:customer_id>/agreements")
@roles(*OFFICE)
def add_agreement(customer_id: int):
    """Sell a service agreement (no product): it covers the customer's visits on its days."""
    customer, form = load_customer(customer_id), AgreementForm()
    return act(form, lambda: customers.add_agreement(
        customer, form.what.data, form.reference.data, form.site.data, form.starts_on.data, form.ends_on.data,
        form.price.cents, form.covers_parts.data, form.covers_labour.data, form.covers_transport.data,
        form.maintenance_visits_per_year.data, form.terms.data, current_user),
        OnForm(url_for("customers.show", customer_id=customer_id, _anchor="agreements"),
               _("Service agreement saved: it covers this customer's visits from its first day."),
               lambda refused: _show_page(load_customer(customer_id), form)))


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@roles(*OFFICE)
def edit(customer_id: int):
    customer = load_customer(customer_id)
    if request.method == "GET":
        return _form_page(CustomerForm.of(customer), customer=customer)
    form = CustomerForm()  # a POST carries every field (a missing one is empty)
    return act(form, lambda: customers.update(customer, **form.values(), by=current_user),
               OnForm(url_for("customers.show", customer_id=customer_id), _("Customer details saved."),
                      lambda refused: _form_page(form, refused, load_customer(customer_id))))
