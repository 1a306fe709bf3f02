"""Customers, for the dispatcher's desk: search, create (warning about likely duplicates),
the customer's page with their products and cases, edit, and a picker other forms embed."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms.customers import CustomerForm, NewCustomerForm
from fieldapp.htmx import see_other, wants_fragment
from fieldapp.models import Customer
from fieldapp.params import id_arg, page_arg, text_arg
from fieldapp.services import customers
from fieldapp.views.writes import Refusal, perform

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
    return render_template("customers/_pick_results.html", **pick_context(query))


def pick_context(query: str) -> dict:
    found = customers.pick(query, PICK_LIMIT + 1)
    return {"query": query, "results": found[:PICK_LIMIT], "more": len(found) > PICK_LIMIT,
            "postcode": customers.postcode}


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    form = NewCustomerForm()
    if request.method == "GET":
        return _form_page(form)

    def apply():
        return customers.create(**form.values(), by=current_user, allow_duplicate=form.confirm_duplicate.data)

    def done(customer):
        if customer is None:  # a double tap: the first one created it
            flash("That customer was saved already.", "info")
            return see_other(url_for("customers.index", q=form.name.data))
        flash(f"{customer.name} added.", "success")
        return see_other(url_for("customers.show", customer_id=customer.id))

    def refused(refusal: Refusal):
        duplicates = [] if refusal.status != 409 else customers.likely_duplicates(form.email.data, form.phone.data)
        return _form_page(form, refusal, duplicates)

    return perform(form, apply, done, refused, action="customer.create")


@bp.get("/<int:customer_id>")
@roles(*OFFICE)
def show(customer_id: int):
    customer = load_customer(customer_id)
    page = page_arg()
    cases, total = customers.cases(customer, page)
    return render_template("customers/show.html", customer=customer, products=customers.products(customer),
                           cases=cases, cases_total=total, page=page, pages=pages(total, customers.CASES_PAGE),
                           can_intake="intake.new" in current_app.view_functions)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@roles(*OFFICE)
def edit(customer_id: int):
    customer = load_customer(customer_id)
    # Filled from the record only to show it: a POST carries every field (a missing one is empty).
    form = CustomerForm() if request.method == "POST" else CustomerForm(obj=customer)
    if request.method == "GET":
        return _form_page(form, customer=customer)

    def done(_):
        flash("Customer details saved.", "success")
        return see_other(url_for("customers.show", customer_id=customer_id))

    return perform(form, lambda: customers.update(customer, **form.values(), by=current_user), done,
                   lambda refusal: _form_page(form, refusal, customer=load_customer(customer_id)))


def _form_page(form, refusal: Refusal | None = None, duplicates=(), customer: Customer | None = None):
    return render_template("customers/form.html", form=form, customer=customer, duplicates=duplicates,
                           error=refusal.elsewhere if refusal else None), refusal.status if refusal else 200
