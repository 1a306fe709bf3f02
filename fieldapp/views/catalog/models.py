"""Product models: their details and the education material customers see on the QR page
(manuals and videos as links, FAQ entries), each edited in place on the model's page."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from fieldapp.forms import ActionForm
from fieldapp.forms.catalog import FaqForm, NewFaqForm, NewProductModelForm, NewResourceForm, ProductModelForm, ResourceForm
from fieldapp.models import ProductModel
from fieldapp.services import catalog
from fieldapp.views.catalog import bp
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import page_arg, text_arg
from fieldapp.web.sections import OnForm

QUERY_MAX = 80


def pages(total: int) -> int:
    return max(1, -(-total // catalog.PAGE_SIZE))


def load_model(model_id: int) -> ProductModel:
    return catalog.get_model(model_id) or abort(404)


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

    def created(model) -> str:  # None after a double tap: the first one created it
        return (url_for("catalog.model", model_id=model.id) if model
                else url_for("catalog.models", q=form.model_number.data))

    return act(form, lambda: catalog.create_model(form.values(), current_user),
               OnForm(created, lambda model: model and f"{model.label} added. Add its manuals, videos and FAQ below.",
                      lambda refused: render_template("catalog/new_model.html", form=form)))


def _model_page(product_model: ProductModel, refused: Refused | None = None) -> str:
    """The model's page; after a refused write, the submitted form where it was, with its errors.
    Slots: "details", "new-resource", ("resource", id), "new-faq", ("faq", id)."""
    def row_forms(rows, form_cls, kind):
        return [(row, form_in(refused, (kind, row.id)) or form_cls(formdata=None, obj=row)) for row in rows]

    failed = refused.slot if refused is not None and isinstance(refused.slot, tuple) else (None, None)
    return render_template(
        "catalog/model.html", model=product_model,
        details=form_in(refused, "details") or ProductModelForm(formdata=None, obj=product_model),
        new_resource=form_in(refused, "new-resource") or NewResourceForm(formdata=None),
        new_faq=form_in(refused, "new-faq") or NewFaqForm(formdata=None),
        resources=row_forms(product_model.resources, ResourceForm, "resource"),
        faq=row_forms(product_model.faq_entries, FaqForm, "faq"),
        open_resource=failed[1] if failed[0] == "resource" else None,
        open_faq=failed[1] if failed[0] == "faq" else None,
        registered=catalog.registered_count(product_model), sample=catalog.sample_product(product_model),
        education=catalog.education(product_model), action_form=ActionForm(formdata=None),
        error=refused.elsewhere if refused else None)


def on_model(model_id: int, message: str, anchor: str) -> OnForm:
    return OnForm(url_for("catalog.model", model_id=model_id, _anchor=anchor), message,
                  lambda refused: _model_page(load_model(model_id), refused))


@bp.route("/models/<int:model_id>", methods=["GET", "POST"])
@roles(*OFFICE)
def model(model_id: int):
    product_model = load_model(model_id)
    if request.method == "GET":
        return _model_page(product_model)
    form = ProductModelForm()
    return act(form, lambda: catalog.update_model(product_model, form.values(), current_user),
               on_model(model_id, "Model details saved.", "details"), "details")


@bp.post("/models/<int:model_id>/remove")
@roles(*OFFICE)
def remove_model(model_id: int):
    product_model = load_model(model_id)
    return act(ActionForm(), lambda: catalog.remove_model(product_model, current_user),
               OnForm(url_for("catalog.models"), f"{product_model.label} removed.",
                      lambda refused: _model_page(load_model(model_id), refused)))


@bp.post("/models/<int:model_id>/resources")
@roles(*OFFICE)
def add_resource(model_id: int):
    product_model, form = load_model(model_id), NewResourceForm()
    return act(form, lambda: catalog.add_resource(product_model, **form.values(), by=current_user),
               on_model(model_id, "Link added.", "resources"), "new-resource")


@bp.post("/models/<int:model_id>/resources/<int:resource_id>")
@roles(*OFFICE)
def edit_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id) or abort(404)
    form = ResourceForm()
    return act(form, lambda: catalog.update_resource(product_model, resource, **form.values(), by=current_user),
               on_model(model_id, "Link saved.", "resources"), ("resource", resource_id))


@bp.post("/models/<int:model_id>/resources/<int:resource_id>/remove")
@roles(*OFFICE)
def remove_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id)

    def change():
        if resource is not None:  # None after a double tap: nothing left to do
            catalog.remove_resource(product_model, resource, current_user)

    return act(ActionForm(), change, on_model(model_id, "Link removed.", "resources"))


@bp.post("/models/<int:model_id>/faq")
@roles(*OFFICE)
def add_faq(model_id: int):
    product_model, form = load_model(model_id), NewFaqForm()
    return act(form, lambda: catalog.add_faq(product_model, **form.values(), by=current_user),
               on_model(model_id, "Question added.", "faq"), "new-faq")


@bp.post("/models/<int:model_id>/faq/<int:entry_id>")
@roles(*OFFICE)
def edit_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id) or abort(404)
    form = FaqForm()
    return act(form, lambda: catalog.update_faq(product_model, entry, **form.values(), by=current_user),
               on_model(model_id, "Question saved.", "faq"), ("faq", entry_id))


@bp.post("/models/<int:model_id>/faq/<int:entry_id>/remove")
@roles(*OFFICE)
def remove_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id)

    def change():
        if entry is not None:  # None after a double tap: nothing left to do
            catalog.remove_faq(product_model, entry, current_user)

    return act(ActionForm(), change, on_model(model_id, "Question removed.", "faq"))
