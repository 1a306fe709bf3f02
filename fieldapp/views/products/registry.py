"""The product registry for the office: search, register, edit, coverage, QR codes and labels.
A product's own page (its history, for staff) is views/products/page.py, opened by its label."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.assets import AssetForm, CoverageForm, NewCaseForm
from fieldapp.models import Asset, CaseType, Channel, Customer, Priority, ProductModel, Role
from fieldapp.services import assets, catalog, intake, qr
from fieldapp.values import parse_id
from fieldapp.views.products.page import product_page
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, STAFF, roles
from fieldapp.web.downloads import content_disposition
from fieldapp.web.loaders import load_asset
from fieldapp.web.params import page_arg, text_arg
from fieldapp.web.sections import OnForm, OnPage

bp = Blueprint("assets", __name__, url_prefix="/assets")

LABELS_PER_SHEET = 24
MAX_LABELS = LABELS_PER_SHEET * 10


@bp.get("/")
@roles(*OFFICE)
def index():
    query = text_arg("q", 80)
    page = page_arg()
    found, total = assets.search(query, page)
    pages = max(1, -(-total // assets.PAGE_SIZE))
    return render_template("assets/index.html", assets=found, total=total, query=query, page=page, pages=pages,
                           today=clock.today())


def _asset_form(**kwargs) -> AssetForm:
    form = AssetForm(**kwargs)
    form.set_choices(catalog.models_by_name())
    return form


def _chosen(form: AssetForm) -> tuple[ProductModel, Customer]:
    customer = db.session.get(Customer, form.customer_id.data)
    if customer is None:
        raise DomainError(_("Choose the customer."), field="customer_id", kind="invalid")
    return db.session.get(ProductModel, form.product_model_id.data), customer


def _form_page(form: AssetForm, asset: Asset | None = None, **context) -> str:
    """The product form, with the customer chosen so far (submitted, from ?customer_id=, or the owner)."""
    chosen = form.customer_id.data or (asset.customer_id if asset else parse_id(request.args.get("customer_id", "")))
    customer = db.session.get(Customer, chosen) if chosen else None
    return render_template("assets/form.html", form=form, asset=asset, customer=customer, **context)


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    form = _asset_form()
    if request.method == "GET":
        return _form_page(form)

    def change():
        model, customer = _chosen(form)
        return assets.register(model, customer, form.serial_number.data, form.sales_date.data,
                               form.install_address.data, form.warranty_ends_on.data, form.notes.data, current_user)

    return act(form, change, OnForm(lambda asset: url_for("public.asset", token=asset.qr_token),
                                    lambda asset: _("%(serial)s registered. Print its label from this page.",
                                                    serial=asset.serial_number),
                                    lambda refused: _form_page(form)))


def _details_form(asset: Asset, **kwargs) -> AssetForm:
    """The edit page's form: the warranty is edited as coverage rows, not here."""
    form = _asset_form(obj=asset, **kwargs)
    del form.warranty_ends_on
    return form


def _edit_page(asset: Asset, form: AssetForm | None = None, refused: Refused | None = None) -> str:
    """The product's details and its coverage rows, the refused form (details, a row, or the new
    row: slot ("coverage", id or "new")) in its place."""
    forms = {c.id: form_in(refused, ("coverage", c.id)) or CoverageForm(formdata=None, obj=c, kind=c.kind.value)
             for c in asset.coverages}
    return _form_page(form or _details_form(asset, formdata=None), asset, coverage_forms=forms,
                      new_coverage=form_in(refused, ("coverage", "new")) or CoverageForm(formdata=None))


@bp.route("/<int:asset_id>/edit", methods=["GET", "POST"])
@roles(*OFFICE)
def edit(asset_id: int):
    asset = load_asset(asset_id)
    if request.method == "GET":
        return _edit_page(asset, _details_form(asset))
    form = _details_form(asset)

    def change():
        model, customer = _chosen(form)
        assets.update(asset, model, customer, form.serial_number.data, form.sales_date.data,
                      form.install_address.data, form.notes.data, current_user)

    return act(form, change, OnForm(url_for("assets.edit", asset_id=asset_id),
                                    _("Product details saved. Its QR label stays the same."),
                                    lambda refused: _edit_page(load_asset(asset_id), form)))


def _on_coverage(asset_id: int, message: str) -> OnForm:
    return OnForm(url_for("assets.edit", asset_id=asset_id, _anchor="coverage"), message,
                  lambda refused: _edit_page(load_asset(asset_id), refused=refused))


@bp.post("/<int:asset_id>/coverages", defaults={"coverage_id": None})
@bp.post("/<int:asset_id>/coverages/<int:coverage_id>")
@roles(*OFFICE)
def save_coverage(asset_id: int, coverage_id: int | None):
    asset = load_asset(asset_id)
    coverage = None
    if coverage_id is not None:
        coverage = next((c for c in asset.coverages if c.id == coverage_id), None) or abort(404)
    form = CoverageForm()
    return act(form, lambda: assets.save_coverage(asset, coverage, form.values(), current_user),
               _on_coverage(asset_id, _("Warranty / contract saved.")), ("coverage", coverage_id or "new"))


@bp.post("/<int:asset_id>/coverages/<int:coverage_id>/remove")
@roles(*OFFICE)
def remove_coverage(asset_id: int, coverage_id: int):
    asset = load_asset(asset_id)
    coverage = next((c for c in asset.coverages if c.id == coverage_id), None)

    def change():
        if coverage is not None:  # None after a double tap: already removed
            assets.remove_coverage(asset, coverage, current_user)

    return act(ActionForm(), change, _on_coverage(asset_id, _("Warranty / contract removed.")))


@bp.post("/<int:asset_id>/label")
@roles(Role.ADMIN)
def replace_label(asset_id: int):
    asset = load_asset(asset_id)
    return act(ActionForm(), lambda: assets.replace_label(asset, current_user), OnPage(
        product_page, asset_id, _("A new label was issued. The old label now says it has been replaced: print and "
                                  "stick the new one.")))


@bp.post("/<int:asset_id>/cases")
@roles(*OFFICE)
def open_case(asset_id: int):
    asset, form = load_asset(asset_id), NewCaseForm()
    return act(form, lambda: intake.open_for_asset(asset, Channel(form.channel.data), CaseType(form.case_type.data),
                                                  Priority(form.priority.data), form.description.data, current_user),
               OnPage(product_page, asset_id, lambda case: _("Case %(number)s opened for %(serial)s. Assess it below.",
                                                             number=case.number, serial=asset.serial_number),
                      to=lambda case: url_for("cases.show", case_id=case.id)),
               "case")


@bp.get("/<int:asset_id>/qr.svg")
@roles(*STAFF)
def qr_svg(asset_id: int):
    asset = load_asset(asset_id)
    svg = render_template("assets/qr.svg", code=qr.code(qr.label_url(asset)),
                          label=_("QR code for %(serial)s", serial=asset.serial_number))
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": "default-src 'none'; sandbox"})


@bp.get("/<int:asset_id>/qr.png")
@roles(*STAFF)
def qr_png(asset_id: int):
    asset = load_asset(asset_id)
    return Response(qr.png(qr.label_url(asset)), mimetype="image/png", headers={
        "Content-Disposition": content_disposition(f"label-{asset.serial_number}.png")})


@bp.get("/labels")
@roles(*OFFICE)
def labels():
    raw = request.args.getlist("ids")
    if not raw:
        abort(400, _("Choose at least one product to print labels for."))
    if len(raw) > MAX_LABELS:
        abort(400, _("Print at most %(count)s labels at a time.", count=MAX_LABELS))
    ids = [parse_id(value) for value in raw]
    if None in ids:
        abort(400, _("The chosen products are not valid; go back to the product list and choose again."))
    chosen = (assets.for_labels(list(dict.fromkeys(ids)))
              or abort(404, _("Some of the chosen products no longer exist.")))
    items = [{"asset": a, "code": qr.code(qr.label_url(a)), "url": qr.short_url(a)} for a in chosen]
    sheets = [items[i:i + LABELS_PER_SHEET] for i in range(0, len(items), LABELS_PER_SHEET)]
    return render_template("assets/labels.html", sheets=sheets, count=len(items))
