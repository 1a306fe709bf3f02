"""The catalog, for the office (dispatchers and admins; technicians only search active parts on
their visits): product models with their terms and the education material their QR page shows
customers (care tips, manuals, videos, FAQ), and the parts catalog."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms import ActionForm
from fieldapp.forms.catalog import (
    FaqForm, NewFaqForm, NewPartForm, NewProductModelForm, NewResourceForm, PartForm, ProductModelForm, ResourceForm,
)
from fieldapp.htmx import see_other
from fieldapp.models import Part, ProductModel
from fieldapp.params import page_arg, text_arg
from fieldapp.services import catalog
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("catalog", __name__, url_prefix="/catalog")

QUERY_MAX = 80


def pages(total: int) -> int:
    return max(1, -(-total // catalog.PAGE_SIZE))


def load_model(model_id: int) -> ProductModel:
    return catalog.get_model(model_id) or abort(404)


def load_part(part_id: int) -> Part:
    return catalog.get_part(part_id) or abort(404)


# --- Product models ------------------------------------------------------------------------------------

@bp.get("/models")
@roles(*OFFICE)
def models():
    query, page = text_arg("q", QUERY_MAX), page_arg()
    rows, total = catalog.search_models(query, page)
    return render_template("catalog/models.html", rows=rows, total=total, query=query, page=page,
                           pages=pages(total))


@bp.route("/models/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new_model():
    form = NewProductModelForm()
    if request.method == "GET":
        return render_template("catalog/new_model.html", form=form)

    def done(model):
        if model is None:  # a double tap: the first one created it
            return see_other(url_for("catalog.models", q=form.model_number.data))
        flash(f"{model.label} added. Add its manuals, videos and FAQ below.", "success")
        return see_other(url_for("catalog.model", model_id=model.id))

    return perform(form, lambda: catalog.create_model(form.values(), current_user), done,
                   lambda refusal: (render_template("catalog/new_model.html", form=form), refusal.status),
                   "catalog.create_model")


@bp.route("/models/<int:model_id>", methods=["GET", "POST"])
@roles(*OFFICE)
def model(model_id: int):
    product_model = load_model(model_id)
    if request.method == "GET":
        return _model_page(product_model)
    form = ProductModelForm()
    return perform(form, lambda: catalog.update_model(product_model, form.values(), current_user),
                   _saved(model_id, "Model details saved.", "details"),
                   lambda refusal: _model_page(product_model, refusal, details=form))


@bp.post("/models/<int:model_id>/remove")
@roles(*OFFICE)
def remove_model(model_id: int):
    product_model = load_model(model_id)
    label = product_model.label

    def done(_):
        flash(f"{label} removed.", "success")
        return see_other(url_for("catalog.models"))

    return perform(ActionForm(), lambda: catalog.remove_model(product_model, current_user), done,
                   lambda refusal: _model_page(product_model, refusal))


@bp.post("/models/<int:model_id>/resources")
@roles(*OFFICE)
def add_resource(model_id: int):
    product_model = load_model(model_id)
    form = NewResourceForm()
    return perform(form, lambda: catalog.add_resource(product_model, **form.values(), by=current_user),
                   _saved(model_id, "Link added.", "resources"),
                   lambda refusal: _model_page(product_model, refusal, new_resource=form), "catalog.add_resource")


@bp.post("/models/<int:model_id>/resources/<int:resource_id>")
@roles(*OFFICE)
def edit_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id) or abort(404)
    form = ResourceForm()
    return perform(form, lambda: catalog.update_resource(product_model, resource, **form.values(), by=current_user),
                   _saved(model_id, "Link saved.", "resources"),
                   lambda refusal: _model_page(product_model, refusal, failed_resource=(resource_id, form)))


@bp.post("/models/<int:model_id>/resources/<int:resource_id>/remove")
@roles(*OFFICE)
def remove_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id)

    def apply():
        if resource is not None:  # None after a double tap: nothing left to do
            catalog.remove_resource(product_model, resource, current_user)

    return perform(ActionForm(), apply, _saved(model_id, "Link removed.", "resources"),
                   lambda refusal: _model_page(product_model, refusal))


@bp.post("/models/<int:model_id>/faq")
@roles(*OFFICE)
def add_faq(model_id: int):
    product_model = load_model(model_id)
    form = NewFaqForm()
    return perform(form, lambda: catalog.add_faq(product_model, **form.values(), by=current_user),
                   _saved(model_id, "Question added.", "faq"),
                   lambda refusal: _model_page(product_model, refusal, new_faq=form), "catalog.add_faq")


@bp.post("/models/<int:model_id>/faq/<int:entry_id>")
@roles(*OFFICE)
def edit_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id) or abort(404)
    form = FaqForm()
    return perform(form, lambda: catalog.update_faq(product_model, entry, **form.values(), by=current_user),
                   _saved(model_id, "Question saved.", "faq"),
                   lambda refusal: _model_page(product_model, refusal, failed_faq=(entry_id, form)))


@bp.post("/models/<int:model_id>/faq/<int:entry_id>/remove")
@roles(*OFFICE)
def remove_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id)

    def apply():
        if entry is not None:  # None after a double tap: nothing left to do
            catalog.remove_faq(product_model, entry, current_user)

    return perform(ActionForm(), apply, _saved(model_id, "Question removed.", "faq"),
                   lambda refusal: _model_page(product_model, refusal))


def _saved(model_id: int, message: str, anchor: str):
    def done(_):
        flash(message, "success")
        return see_other(url_for("catalog.model", model_id=model_id, _anchor=anchor))
    return done


def _model_page(product_model: ProductModel, refusal: Refusal | None = None, details=None, new_resource=None,
                new_faq=None, failed_resource=None, failed_faq=None):
    """The model's page; after a refused write, the submitted form where it was, with its errors."""
    def row_forms(rows, form_cls, failed):
        return [(row, failed[1] if failed and failed[0] == row.id else form_cls(formdata=None, obj=row))
                for row in rows]

    context = {
        "model": product_model, "details": details or ProductModelForm(formdata=None, obj=product_model),
        "new_resource": new_resource or NewResourceForm(formdata=None),
        "new_faq": new_faq or NewFaqForm(formdata=None),
        "resources": row_forms(product_model.resources, ResourceForm, failed_resource),
        "faq": row_forms(product_model.faq_entries, FaqForm, failed_faq),
        "open_resource": failed_resource[0] if failed_resource else None,
        "open_faq": failed_faq[0] if failed_faq else None,
        "registered": catalog.registered_count(product_model), "sample": catalog.sample_product(product_model),
        "education": catalog.education(product_model), "action_form": ActionForm(formdata=None),
        "error": refusal.elsewhere if refusal else None,
    }
    return render_template("catalog/model.html", **context), refusal.status if refusal else 200


# --- Parts ---------------------------------------------------------------------------------------------

@bp.get("/parts")
@roles(*OFFICE)
def parts():
    query, page = text_arg("q", QUERY_MAX), page_arg()
    status = request.args.get("status", "active")
    if status not in catalog.PART_STATUSES:
        abort(400, "Show active, inactive or all parts.")
    rows, total = catalog.search_parts(query, status, page)
    return render_template("catalog/parts.html", rows=rows, total=total, query=query, status=status, page=page,
                           pages=pages(total), action_form=ActionForm(formdata=None))


@bp.route("/parts/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new_part():
    form = NewPartForm()
    if request.method == "GET":
        return _part_page(form)

    def done(part):
        if part is None:
            return see_other(url_for("catalog.parts", q=form.sku.data, status="all"))
        flash(f"{part.sku} {part.name} added.", "success")
        return see_other(url_for("catalog.parts", q=part.sku, status="all"))

    return perform(form, lambda: catalog.create_part(form.values(), current_user), done,
                   lambda refusal: _part_page(form, refusal), "catalog.create_part")


@bp.route("/parts/<int:part_id>", methods=["GET", "POST"])
@roles(*OFFICE)
def part(part_id: int):
    found = load_part(part_id)
    # Filled from the record only to show it: a POST carries every field.
    form = PartForm() if request.method == "POST" else PartForm(obj=found, unit_price=_price(found))
    if request.method == "GET":
        return _part_page(form, part=found)

    def done(_):
        flash(f"{found.sku} saved.", "success")
        return see_other(url_for("catalog.parts", q=found.sku, status="all"))

    return perform(form, lambda: catalog.update_part(found, form.values(), current_user), done,
                   lambda refusal: _part_page(form, refusal, part=load_part(part_id)))


@bp.post("/parts/<int:part_id>/deactivate")
@roles(*OFFICE)
def deactivate_part(part_id: int):
    return _set_active(load_part(part_id), False)


@bp.post("/parts/<int:part_id>/reactivate")
@roles(*OFFICE)
def reactivate_part(part_id: int):
    return _set_active(load_part(part_id), True)


def _set_active(found: Part, active: bool):
    def done(_):
        flash(f"{found.sku} is {'active again' if active else 'no longer offered to technicians'}.", "success")
        return see_other(_back_to_parts())

    return perform(ActionForm(), lambda: catalog.set_part_active(found, active, current_user), done,
                   lambda refusal: _part_page(PartForm(obj=found, unit_price=_price(found)), refusal, part=found))


def _back_to_parts() -> str:
    """The parts list (its search and page) or part page the button was on; else the list."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path.startswith(url_for("catalog.parts")):
        return came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return url_for("catalog.parts")


def _price(found: Part) -> str:
    return f"{found.unit_price_cents // 100}.{found.unit_price_cents % 100:02d}"


def _part_page(form, refusal: Refusal | None = None, part: Part | None = None):
    uses = catalog.part_uses(part) if part is not None else 0
    return render_template("catalog/part.html", form=form, part=part, uses=uses, action_form=ActionForm(formdata=None),
                           error=refusal.elsewhere if refusal else None), refusal.status if refusal else 200
