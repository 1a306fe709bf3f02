"""The asset registry for the office: search, register, edit, coverage, QR codes and labels."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp.auth import OFFICE, STAFF, roles
from fieldapp.domain import DomainError
from fieldapp.downloads import content_disposition
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.assets import AssetForm, CoverageForm, NewCaseForm
from fieldapp.htmx import see_other
from fieldapp.models import Asset, CaseType, Channel, Customer, Priority, ProductModel, Role
from fieldapp.params import page_arg, parse_id, text_arg
from fieldapp.services import assets, cases, qr, schedule
from fieldapp.views.loaders import load_asset
from fieldapp.views.product_context import history_context
from fieldapp.views.writes import Refusal, perform

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
                           today=schedule.today())


def _asset_form(**kwargs) -> AssetForm:
    form = AssetForm(**kwargs)
    form.set_choices(db.session.scalars(select(ProductModel).order_by(ProductModel.name)))
    return form


def _chosen(form: AssetForm) -> tuple[ProductModel, Customer]:
    customer = db.session.get(Customer, form.customer_id.data)
    if customer is None:
        raise DomainError("Choose the customer.", field="customer_id", kind="invalid")
    return db.session.get(ProductModel, form.product_model_id.data), customer


def _form_page(form: AssetForm, asset: Asset | None = None, status: int = 200, **context):
    """The product form, with the customer chosen so far (submitted, from ?customer_id=, or the owner)."""
    chosen = form.customer_id.data or (asset.customer_id if asset else parse_id(request.args.get("customer_id", "")))
    customer = db.session.get(Customer, chosen) if chosen else None
    return render_template("assets/form.html", form=form, asset=asset, customer=customer, **context), status


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    form = _asset_form()
    if request.method == "GET":
        return _form_page(form)

    def apply():
        model, customer = _chosen(form)
        return assets.register(model, customer, form.serial_number.data, form.sales_date.data,
                               form.install_address.data, form.warranty_ends_on.data, form.notes.data, current_user)

    def done(asset):
        flash(f"{asset.serial_number} registered. Print its label from this page.", "success")
        return see_other(url_for("public.asset", token=asset.qr_token))

    return perform(form, apply, done, lambda refusal: _form_page(form, status=refusal.status))


@bp.route("/<int:asset_id>/edit", methods=["GET", "POST"])
@roles(*OFFICE)
def edit(asset_id: int):
    asset = load_asset(asset_id)
    form = _details_form(asset)
    if request.method == "GET":
        return _edit_page(asset, form)

    def apply():
        model, customer = _chosen(form)
        assets.update(asset, model, customer, form.serial_number.data, form.sales_date.data,
                      form.install_address.data, form.notes.data, current_user)

    def done(_):
        flash("Product details saved. Its QR label stays the same.", "success")
        return see_other(url_for("assets.edit", asset_id=asset_id))

    return perform(form, apply, done, lambda refusal: _edit_page(load_asset(asset_id), form, refusal.status))


def _details_form(asset: Asset, **kwargs) -> AssetForm:
    """The edit page's form: the warranty is edited as coverage rows, not here."""
    form = _asset_form(obj=asset, **kwargs)
    del form.warranty_ends_on
    return form


def _edit_page(asset: Asset, form: AssetForm, status: int = 200, coverage_forms: dict | None = None):
    forms = {c.id: CoverageForm(formdata=None, obj=c, kind=c.kind.value) for c in asset.coverages}
    forms.update(coverage_forms or {})
    new_form = forms.pop("new", None) or CoverageForm(formdata=None)
    return _form_page(form, asset, status, coverage_forms=forms, new_coverage=new_form)


@bp.post("/<int:asset_id>/coverages", defaults={"coverage_id": None})
@bp.post("/<int:asset_id>/coverages/<int:coverage_id>")
@roles(*OFFICE)
def save_coverage(asset_id: int, coverage_id: int | None):
    asset = load_asset(asset_id)
    coverage = None
    if coverage_id is not None:
        coverage = next((c for c in asset.coverages if c.id == coverage_id), None) or abort(404)
    form = CoverageForm()

    def done(_):
        flash("Warranty / contract saved.", "success")
        return see_other(url_for("assets.edit", asset_id=asset_id, _anchor="coverage"))

    def refused(refusal: Refusal):
        fresh = load_asset(asset_id)
        return _edit_page(fresh, _details_form(fresh, formdata=None), refusal.status, {coverage_id or "new": form})

    return perform(form, lambda: assets.save_coverage(asset, coverage, form.values(), current_user), done, refused)


@bp.post("/<int:asset_id>/coverages/<int:coverage_id>/remove")
@roles(*OFFICE)
def remove_coverage(asset_id: int, coverage_id: int):
    asset = load_asset(asset_id)
    coverage = next((c for c in asset.coverages if c.id == coverage_id), None)

    def apply():
        if coverage is not None:  # None after a double tap: already removed
            assets.remove_coverage(asset, coverage, current_user)

    def done(_):
        flash("Warranty / contract removed.", "success")
        return see_other(url_for("assets.edit", asset_id=asset_id, _anchor="coverage"))

    return perform(ActionForm(), apply, done, lambda refusal: _edit_page(
        asset, _details_form(asset, formdata=None), refusal.status))


@bp.post("/<int:asset_id>/label")
@roles(Role.ADMIN)
def replace_label(asset_id: int):
    asset = load_asset(asset_id)

    def done(_):
        flash("A new label was issued. The old label now says it has been replaced: print and stick the new one.",
              "success")
        return see_other(url_for("public.asset", token=asset.qr_token))

    return perform(ActionForm(), lambda: assets.replace_label(asset, current_user), done,
                   lambda refusal: _history_page(asset, refusal.status))


@bp.post("/<int:asset_id>/cases")
@roles(*OFFICE)
def open_case(asset_id: int):
    asset = load_asset(asset_id)
    form = NewCaseForm()

    def apply():
        return cases.open_for_asset(asset, Channel(form.channel.data), CaseType(form.case_type.data),
                                    Priority(form.priority.data), form.description.data, current_user)

    def done(case):
        flash(f"Case {case.number} opened for {asset.serial_number}.", "success")
        return see_other(url_for("public.asset", token=asset.qr_token))

    return perform(form, apply, done, lambda refusal: _history_page(asset, refusal.status, form))


def _history_page(asset: Asset, status: int, case_form: NewCaseForm | None = None):
    return render_template("assets/history.html", **history_context(asset, case_form)), status


@bp.get("/<int:asset_id>/qr.svg")
@roles(*STAFF)
def qr_svg(asset_id: int):
    asset = load_asset(asset_id)
    svg = render_template("assets/qr.svg", code=qr.code(qr.label_url(asset)),
                          label=f"QR code for {asset.serial_number}")
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
        abort(400, "Choose at least one product to print labels for.")
    if len(raw) > MAX_LABELS:
        abort(400, f"Print at most {MAX_LABELS} labels at a time.")
    ids = [parse_id(value) for value in raw]
    if None in ids:
        abort(400, "The chosen products are not valid; go back to the product list and choose again.")
    ids = list(dict.fromkeys(ids))
    found = db.session.scalars(select(Asset).where(Asset.id.in_(ids)).options(joinedload(Asset.product_model))).all()
    by_id = {asset.id: asset for asset in found}
    if len(by_id) != len(ids):
        abort(404, "Some of the chosen products no longer exist.")
    chosen = [by_id[i] for i in ids]
    items = [{"asset": a, "code": qr.code(qr.label_url(a)), "url": qr.short_url(a)} for a in chosen]
    sheets = [items[i:i + LABELS_PER_SHEET] for i in range(0, len(items), LABELS_PER_SHEET)]
    return render_template("assets/labels.html", sheets=sheets, count=len(items))
