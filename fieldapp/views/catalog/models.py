"""Product models: their details and the education material customers see on the QR page
(manuals and videos as links, FAQ entries), each edited in place on the model's page, with what
customers read translated into the other languages (services/content.py)."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.forms import ActionForm
from fieldapp.forms.catalog import (
    FaqForm,
    FaqTranslationsForm,
    ModelTranslationsForm,
    NewFaqForm,
    NewProductModelForm,
    NewResourceForm,
    ProductModelForm,
    ResourceForm,
    ResourceTranslationsForm,
    translations_form,
)
from fieldapp.models import ProductModel
from fieldapp.services import catalog, content
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
               OnForm(created, lambda model: model and _("%(model)s added. Add its manuals, videos and FAQ below.",
                                                         model=model.label),
                      lambda refused: render_template("catalog/new_model.html", form=form)))


def _model_page(product_model: ProductModel, refused: Refused | None = None) -> str:
    """The model's page; after a refused write, the submitted form where it was, with its errors.
    Slots: "details", "translations", "new-resource", ("resource", id), ("resource-translations", id),
    "new-faq", ("faq", id), ("faq-translations", id). The saved translations: one query."""
    saved = content.translations_of([product_model, *product_model.resources, *product_model.faq_entries])

    def translated(record, slot):
        kind = content.kind_of(record)
        return form_in(refused, slot) or translations_form(kind, saved.get((kind, record.id)))

    def row_forms(rows, form_cls, kind):
        return [(row, form_in(refused, (kind, row.id)) or form_cls(formdata=None, obj=row),
                 translated(row, (f"{kind}-translations", row.id))) for row in rows]

    failed = refused.slot if refused is not None and isinstance(refused.slot, tuple) else (None, None)
    return render_template(
        "catalog/model.html", model=product_model,
        details=form_in(refused, "details") or ProductModelForm(formdata=None, obj=product_model),
        translations=translated(product_model, "translations"),
        open_translations=refused is not None and refused.slot == "translations",
        new_resource=form_in(refused, "new-resource") or NewResourceForm(formdata=None),
        new_faq=form_in(refused, "new-faq") or NewFaqForm(formdata=None),
        resources=row_forms(product_model.resources, ResourceForm, "resource"),
        faq=row_forms(product_model.faq_entries, FaqForm, "faq"),
        open_resource=failed[1] if failed[0] in ("resource", "resource-translations") else None,
        open_faq=failed[1] if failed[0] in ("faq", "faq-translations") else None,
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
               on_model(model_id, _("Model details saved."), "details"), "details")


@bp.post("/models/<int:model_id>/translations")
@roles(*OFFICE)
def model_translations(model_id: int):
    """The model's care tips and return conditions in the other languages."""
    product_model = load_model(model_id)
    form = ModelTranslationsForm()
    return act(form, lambda: content.save(product_model, form.texts(), current_user),
               on_model(model_id, _("Translations saved."), "model-translations"), "translations")


@bp.post("/models/<int:model_id>/remove")
@roles(*OFFICE)
def remove_model(model_id: int):
    product_model = load_model(model_id)
    return act(ActionForm(), lambda: catalog.remove_model(product_model, current_user),
               OnForm(url_for("catalog.models"), _("%(model)s removed.", model=product_model.label),
                      lambda refused: _model_page(load_model(model_id), refused)))


@bp.post("/models/<int:model_id>/resources")
@roles(*OFFICE)
def add_resource(model_id: int):
    product_model, form = load_model(model_id), NewResourceForm()
    return act(form, lambda: catalog.add_resource(product_model, **form.values(), by=current_user),
               on_model(model_id, _("Link added."), "resources"), "new-resource")


@bp.post("/models/<int:model_id>/resources/<int:resource_id>")
@roles(*OFFICE)
def edit_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id) or abort(404)
    form = ResourceForm()
    return act(form, lambda: catalog.update_resource(product_model, resource, **form.values(), by=current_user),
               on_model(model_id, _("Link saved."), "resources"), ("resource", resource_id))


@bp.post("/models/<int:model_id>/resources/<int:resource_id>/translations")
@roles(*OFFICE)
def resource_translations(model_id: int, resource_id: int):
    """A manual's or video's title in the other languages."""
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id) or abort(404)
    form = ResourceTranslationsForm()
    return act(form, lambda: content.save(resource, form.texts(), current_user, audited=product_model),
               on_model(model_id, _("Translations saved."), f"resource-{resource_id}"),
               ("resource-translations", resource_id))


@bp.post("/models/<int:model_id>/resources/<int:resource_id>/remove")
@roles(*OFFICE)
def remove_resource(model_id: int, resource_id: int):
    product_model = load_model(model_id)
    resource = catalog.resource_of(product_model, resource_id)

    def change():
        if resource is not None:  # None after a double tap: nothing left to do
            catalog.remove_resource(product_model, resource, current_user)

    return act(ActionForm(), change, on_model(model_id, _("Link removed."), "resources"))


@bp.post("/models/<int:model_id>/faq")
@roles(*OFFICE)
def add_faq(model_id: int):
    product_model, form = load_model(model_id), NewFaqForm()
    return act(form, lambda: catalog.add_faq(product_model, **form.values(), by=current_user),
               on_model(model_id, _("Question added."), "faq"), "new-faq")


@bp.post("/models/<int:model_id>/faq/<int:entry_id>")
@roles(*OFFICE)
def edit_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id) or abort(404)
    form = FaqForm()
    return act(form, lambda: catalog.update_faq(product_model, entry, **form.values(), by=current_user),
               on_model(model_id, _("Question saved."), "faq"), ("faq", entry_id))


@bp.post("/models/<int:model_id>/faq/<int:entry_id>/translations")
@roles(*OFFICE)
def faq_translations(model_id: int, entry_id: int):
    """A question and its answer in the other languages."""
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id) or abort(404)
    form = FaqTranslationsForm()
    return act(form, lambda: content.save(entry, form.texts(), current_user, audited=product_model),
               on_model(model_id, _("Translations saved."), f"faq-{entry_id}"), ("faq-translations", entry_id))


@bp.post("/models/<int:model_id>/faq/<int:entry_id>/remove")
@roles(*OFFICE)
def remove_faq(model_id: int, entry_id: int):
    product_model = load_model(model_id)
    entry = catalog.faq_of(product_model, entry_id)

    def change():
        if entry is not None:  # None after a double tap: nothing left to do
            catalog.remove_faq(product_model, entry, current_user)

    return act(ActionForm(), change, on_model(model_id, _("Question removed."), "faq"))
