"""The asset registry: search, register and edit sold units, their coverage and QR labels."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, Coverage, CoverageKind, Customer, ProductModel, RetiredLabel, Role, User, Visit,
    VisitPart, VisitStatus, new_qr_token,
)
from fieldapp.dates import add_months
from fieldapp.services import audit, maintenance

PAGE_SIZE = 25


def search(query: str, page: int) -> tuple[list[Asset], int]:
    """Assets matching the query in serial, customer name or model, newest sales first."""
    statement = select(Asset).join(Asset.customer).join(Asset.product_model)
    query = query.strip().lower()
    if query:
        columns = (Asset.serial_number, Customer.name, ProductModel.name, ProductModel.model_number)
        # autoescape: a typed % or _ is a character, not a wildcard
        statement = statement.where(or_(*(func.lower(c).contains(query, autoescape=True) for c in columns)))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    assets = db.session.scalars(
        statement.options(joinedload(Asset.customer), joinedload(Asset.product_model), selectinload(Asset.coverages))
        .order_by(Asset.sales_date.desc(), Asset.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).unique().all()
    return list(assets), total


def by_token(token: str) -> Asset | None:
    return db.session.scalar(select(Asset).where(Asset.qr_token == token).options(
        joinedload(Asset.product_model).selectinload(ProductModel.resources), joinedload(Asset.customer),
        selectinload(Asset.coverages)))


def for_labels(ids: list[int]) -> list[Asset] | None:
    """These products in this order, with their models (a label sheet); None if one is gone."""
    found = db.session.scalars(select(Asset).where(Asset.id.in_(ids)).options(joinedload(Asset.product_model))).all()
    by_id = {asset.id: asset for asset in found}
    return [by_id[i] for i in ids] if len(by_id) == len(ids) else None


def is_retired(token: str) -> bool:
    return db.session.get(RetiredLabel, token) is not None


def by_serial(serial: str) -> Asset | None:
    return db.session.scalar(select(Asset).where(func.lower(Asset.serial_number) == serial.strip().lower()))


def _check_serial(serial: str, asset: Asset | None = None) -> str:
    serial = serial.strip()
    existing = by_serial(serial)
    if existing is not None and existing is not asset:
        raise DomainError(_("Another product already has this serial number."), "serial_number", "invalid")
    return serial


def register(model: ProductModel, customer: Customer, serial: str, sales_date: date,
             install_address: str | None, warranty_ends_on: date | None, notes: str | None, by: User) -> Asset:
    """A newly sold unit with its standard warranty (by default the model's warranty length)."""
    asset = Asset(product_model=model, customer=customer, serial_number=_check_serial(serial), sales_date=sales_date,
                  install_address=(install_address or "").strip() or None, notes=(notes or "").strip() or None)
    if warranty_ends_on is not None and warranty_ends_on < sales_date:
        raise DomainError(_("The warranty cannot end before the sales date."), "warranty_ends_on", "invalid")
    if model.warranty_months or warranty_ends_on:
        ends = warranty_ends_on or add_months(sales_date, model.warranty_months) - timedelta(days=1)
        asset.coverages.append(Coverage(kind=CoverageKind.STANDARD_WARRANTY, starts_on=sales_date, ends_on=ends,
                                        covers_parts=True, covers_labour=True, covers_transport=False,
                                        terms=model.warranty_terms))
    db.session.add(asset)
    maintenance.inputs_changed(asset)
    audit.record("asset.registered", asset, {"serial": asset.serial_number}, user=by)
    return asset


def update(asset: Asset, model: ProductModel, customer: Customer, serial: str, sales_date: date,
           install_address: str | None, notes: str | None, by: User) -> None:
    """Edit the unit's details. The QR token is never touched: printed labels stay valid."""
    asset.serial_number = _check_serial(serial, asset)
    asset.product_model = model
    asset.customer = customer
    asset.sales_date = sales_date
    asset.install_address = (install_address or "").strip() or None
    asset.notes = (notes or "").strip() or None
    maintenance.inputs_changed(asset)  # its model or sales date may have changed
    audit.record("asset.updated", asset, user=by)


def save_coverage(asset: Asset, coverage: Coverage | None, values: dict, by: User) -> Coverage:
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The end date must be on or after the start date."), "ends_on", "invalid")
    if coverage is None:
        coverage = Coverage()
        asset.coverages.append(coverage)
    for key, value in values.items():
        setattr(coverage, key, value)
    maintenance.inputs_changed(asset)
    audit.record("asset.coverage_saved", asset, {"coverage": coverage.id, "kind": coverage.kind.value}, user=by)
    return coverage


def remove_coverage(asset: Asset, coverage: Coverage, by: User) -> None:
    asset.coverages.remove(coverage)
    maintenance.inputs_changed(asset)
    audit.record("asset.coverage_removed", asset, {"coverage": coverage.id}, user=by)


def replace_label(asset: Asset, by: User) -> str:
    """Retire the current QR token and issue a new one (a damaged or misused label)."""
    db.session.add(RetiredLabel(token=asset.qr_token, asset_id=asset.id, retired_by_id=by.id))
    asset.qr_token = new_qr_token()
    audit.record("asset.label_replaced", asset, user=by)
    return asset.qr_token


HISTORY_PAGE = 10


def shows_customer(user: User, asset: Asset) -> bool:
    """May `user` see who owns this asset (name, contact, address, the customer's own words)?
    Office staff always; a technician only for a customer they have a visit with (past,
    today or planned). Every technician keeps the asset's technical history."""
    if user.role is not Role.TECHNICIAN:
        return True
    return db.session.scalar(
        select(Visit.id).join(Visit.case)
        .where(Visit.technician_id == user.id, Case.customer_id == asset.customer_id).limit(1)) is not None


def case_history(asset: Asset, page: int) -> tuple[list[Case], int]:
    """The asset's cases, newest first, with their visits, parts and ratings."""
    total = db.session.scalar(select(func.count(Case.id)).where(Case.asset_id == asset.id))
    cases = db.session.scalars(
        select(Case).where(Case.asset_id == asset.id)
        .options(selectinload(Case.visits).joinedload(Visit.technician),
                 selectinload(Case.visits).joinedload(Visit.rating),
                 selectinload(Case.visits).selectinload(Visit.parts).joinedload(VisitPart.part))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .offset((page - 1) * HISTORY_PAGE).limit(HISTORY_PAGE)
    ).all()
    return list(cases), total


def last_completed_visit(asset: Asset) -> Visit | None:
    return db.session.scalar(
        select(Visit).join(Visit.case).where(Case.asset_id == asset.id, Visit.status == VisitStatus.COMPLETED)
        .options(joinedload(Visit.rating), joinedload(Visit.technician))
        .order_by(Visit.completed_at.desc()).limit(1))
