"""The catalog for the office: product models with their terms and the education material
customers see on the product's QR page (care tips, manuals, videos, FAQ), and the parts catalog.

Parts are never deleted (past visits name them): they are deactivated, and technicians only
find active ones (services.parts). A model with registered products cannot be removed."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.links import is_http_url
from fieldapp.models import (
    Asset,
    FaqEntry,
    Part,
    ProductModel,
    ProductResource,
    ResourceKind,
    User,
    VisitPart,
)
from fieldapp.services import audit, content, maintenance

PAGE_SIZE = 25
PART_STATUSES = ("active", "inactive", "all")
MODEL_NUMBER_TAKEN = _l("Another model already has this model number.")
SKU_TAKEN = _l("Another part already has this SKU.")


# --- Product models ------------------------------------------------------------------------------------

def _registered():
    return (select(func.count(Asset.id)).where(Asset.product_model_id == ProductModel.id)
            .correlate(ProductModel).scalar_subquery())


def search_models(query: str, page: int) -> tuple[list[tuple[ProductModel, int]], int]:
    """One page of models matching `query` (name, number or category; all when empty) by name,
    each with how many products of it are registered; two queries whatever the page holds."""
    condition = None
    query = query.strip().lower()
    if query:
        condition = or_(*(func.lower(column).contains(query, autoescape=True) for column in
                          (ProductModel.name, ProductModel.model_number, ProductModel.category)))
    counted = select(func.count(ProductModel.id))
    listed = select(ProductModel, _registered().label("registered"))
    if condition is not None:
        counted, listed = counted.where(condition), listed.where(condition)
    total = db.session.scalar(counted)
    rows = db.session.execute(listed.order_by(ProductModel.name, ProductModel.id)
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [(model, registered) for model, registered in rows], total


def models_by_name() -> list[ProductModel]:
    """Every model, for a choice of one (registering a product)."""
    return list(db.session.scalars(select(ProductModel).order_by(ProductModel.name, ProductModel.id)))


def get_model(model_id: int) -> ProductModel | None:
    return db.session.scalar(select(ProductModel).where(ProductModel.id == model_id).options(
        selectinload(ProductModel.resources), selectinload(ProductModel.faq_entries)))


def registered_count(model: ProductModel) -> int:
    return db.session.scalar(select(func.count(Asset.id)).where(Asset.product_model_id == model.id))


def sample_product(model: ProductModel) -> Asset | None:
    """A registered product of this model, whose QR page shows the model's education material."""
    return db.session.scalar(select(Asset).where(Asset.product_model_id == model.id).order_by(Asset.id).limit(1))


def _check_number(model_number: str, model: ProductModel | None = None) -> None:
    statement = select(ProductModel.id).where(func.lower(ProductModel.model_number) == model_number.lower())
    if model is not None:
        statement = statement.where(ProductModel.id != model.id)
    if db.session.scalar(statement.limit(1)) is not None:
        raise DomainError(str(MODEL_NUMBER_TAKEN), "model_number", "conflict")


def _flush(message, field: str) -> None:
    """Flush; a unique key taken meanwhile by someone else is the same refusal as the check."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise DomainError(str(message), field, "conflict") from error


def _check_model(values: dict) -> None:
    if not values["name"]:
        raise DomainError(_("Enter the model's name."), "name", "invalid")
    if not values["model_number"]:
        raise DomainError(_("Enter the model number."), "model_number", "invalid")


def create_model(values: dict, by: User) -> ProductModel:
    _check_model(values)
    _check_number(values["model_number"])
    model = ProductModel(**values)
    db.session.add(model)
    _flush(MODEL_NUMBER_TAKEN, "model_number")
    audit.record("product_model.created", model, {"model_number": model.model_number}, user=by)
    return model


def update_model(model: ProductModel, values: dict, by: User) -> None:
    _check_model(values)
    _check_number(values["model_number"], model)
    changed = sorted(key for key, value in values.items() if getattr(model, key) != value)
    for key in changed:
        setattr(model, key, values[key])
    _flush(MODEL_NUMBER_TAKEN, "model_number")
    if "maintenance_interval_months" in changed:
        maintenance.model_changed(model)
    audit.record("product_model.updated", model, {"fields": changed}, user=by)


def remove_model(model: ProductModel, by: User) -> None:
    """Remove a model nobody owns: its manuals, videos and FAQ go with it, and their translations."""
    registered = registered_count(model)
    if registered:
        raise DomainError(ngettext(
            "%(model)s cannot be removed: %(num)d product is registered with this model. "
            "Their history and warranties depend on it.",
            "%(model)s cannot be removed: %(num)d products are registered with this model. "
            "Their history and warranties depend on it.", registered, model=model.label), kind="conflict")
    audit.record("product_model.removed", model, {"model_number": model.model_number}, user=by)
    content.remove([model, *model.resources, *model.faq_entries])
    db.session.delete(model)
    db.session.flush()


# --- Education material: manuals, videos, FAQ ------------------------------------------------------------

def resource_of(model: ProductModel, resource_id: int) -> ProductResource | None:
    return next((resource for resource in model.resources if resource.id == resource_id), None)


def faq_of(model: ProductModel, entry_id: int) -> FaqEntry | None:
    return next((entry for entry in model.faq_entries if entry.id == entry_id), None)


def _check_url(url: str) -> None:
    if not is_http_url(url):
        raise DomainError(_("Enter a full web address starting with https:// (or http://)."), "url", "invalid")


def add_resource(model: ProductModel, kind: ResourceKind, title: str, url: str, by: User) -> ProductResource:
    _check_url(url)
    resource = ProductResource(kind=kind, title=title, url=url)
    model.resources.append(resource)
    db.session.flush()
    audit.record("product_model.resource_added", model, {"title": title, "url": url}, user=by)
    return resource


def update_resource(model: ProductModel, resource: ProductResource, kind: ResourceKind, title: str, url: str,
                    by: User) -> None:
    _check_url(url)
    resource.kind, resource.title, resource.url = kind, title, url
    audit.record("product_model.resource_changed", model, {"title": title, "url": url}, user=by)


def remove_resource(model: ProductModel, resource: ProductResource, by: User) -> None:
    content.remove([resource])
    model.resources.remove(resource)
    audit.record("product_model.resource_removed", model, {"title": resource.title}, user=by)


def _position(model: ProductModel, position: int | None) -> int:
    """An order typed, or after the last entry when left empty."""
    if position is not None:
        return position
    return max((entry.position for entry in model.faq_entries), default=-1) + 1


def add_faq(model: ProductModel, question: str, answer: str, position: int | None, by: User) -> FaqEntry:
    entry = FaqEntry(question=question, answer=answer, position=_position(model, position))
    model.faq_entries.append(entry)
    db.session.flush()
    audit.record("product_model.faq_added", model, {"question": question}, user=by)
    return entry


def update_faq(model: ProductModel, entry: FaqEntry, question: str, answer: str, position: int | None,
               by: User) -> None:
    entry.question, entry.answer = question, answer
    if position is not None:
        entry.position = position
    audit.record("product_model.faq_changed", model, {"question": question}, user=by)


def remove_faq(model: ProductModel, entry: FaqEntry, by: User) -> None:
    content.remove([entry])
    model.faq_entries.remove(entry)
    audit.record("product_model.faq_removed", model, {"question": entry.question}, user=by)


@dataclass(frozen=True)
class Link:
    """A manual or video as its owner reads it: the title in the reader's language."""
    title: str
    url: str
    kind: ResourceKind


@dataclass(frozen=True)
class Question:
    """A FAQ entry as its owner reads it: in the reader's language where the office wrote it."""
    id: int
    question: str
    answer: str


def education(model: ProductModel) -> dict:
    """What the product's public QR page teaches its owner: care tips, links to manuals and videos
    (only http(s) ones, whatever an old row holds) and the FAQ, in the office's order; each text
    in the reader's language where the office translated it, else the company's. The
    translations of all of it come in one query."""
    content.preload_model(model)
    links = [Link(content.localized(resource, "title"), resource.url, resource.kind)
             for resource in model.resources if is_http_url(resource.url)]
    faq = [Question(entry.id, content.localized(entry, "question"), content.localized(entry, "answer"))
           for entry in sorted(model.faq_entries, key=lambda entry: (entry.position, entry.id))]
    return {"care_tips": content.lines(content.localized(model, "care_tips")), "links": links, "faq": faq,
            "warranty_terms": content.localized(model, "warranty_terms"),
            "warranty_conditions": content.localized(model, "warranty_conditions"),
            "specifications": model.specifications if model.specifications_public else None}


# --- Parts ---------------------------------------------------------------------------------------------

def _uses():
    return (select(func.count(VisitPart.id)).where(VisitPart.part_id == Part.id)
            .correlate(Part).scalar_subquery())


def search_parts(query: str, status: str, page: int) -> tuple[list[tuple[Part, int]], int]:
    """One page of parts by name: SKU or name matching `query`, active, inactive or all, each with
    how many visit lines use it."""
    conditions = []
    query = query.strip().lower()
    if query:
        conditions.append(or_(func.lower(Part.sku).contains(query, autoescape=True),
                              func.lower(Part.name).contains(query, autoescape=True)))
    if status != "all":
        conditions.append(Part.active.is_(status == "active"))
    total = db.session.scalar(select(func.count(Part.id)).where(*conditions))
    rows = db.session.execute(select(Part, _uses().label("uses")).where(*conditions)
                              .order_by(Part.name, Part.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return [(part, uses) for part, uses in rows], total


def get_part(part_id: int) -> Part | None:
    return db.session.get(Part, part_id)


def part_uses(part: Part) -> int:
    return db.session.scalar(select(func.count(VisitPart.id)).where(VisitPart.part_id == part.id))


def _check_sku(sku: str, part: Part | None = None) -> None:
    statement = select(Part.id).where(func.lower(Part.sku) == sku.lower())
    if part is not None:
        statement = statement.where(Part.id != part.id)
    if db.session.scalar(statement.limit(1)) is not None:
        raise DomainError(str(SKU_TAKEN), "sku", "conflict")


def _check_part(values: dict) -> None:
    if not values["sku"]:
        raise DomainError(_("Enter the SKU."), "sku", "invalid")
    if not values["name"]:
        raise DomainError(_("Enter the part's name."), "name", "invalid")
    if values["unit_price_cents"] is None or values["unit_price_cents"] < 0:
        raise DomainError(_("Enter the price, like 12.50."), "unit_price", "invalid")


def create_part(values: dict, by: User) -> Part:
    _check_part(values)
    _check_sku(values["sku"])
    part = Part(**values)
    db.session.add(part)
    _flush(SKU_TAKEN, "sku")
    audit.record("part.created", part, {"sku": part.sku}, user=by)
    return part


def update_part(part: Part, values: dict, by: User) -> None:
    _check_part(values)
    _check_sku(values["sku"], part)
    changed = sorted(key for key, value in values.items() if getattr(part, key) != value)
    for key in changed:
        setattr(part, key, values[key])
    _flush(SKU_TAKEN, "sku")
    audit.record("part.updated", part, {"fields": changed}, user=by)


def set_part_active(part: Part, active: bool, by: User) -> None:
    """Deactivated parts stay on the visits that used them; technicians can no longer add them."""
    if part.active == active:
        return  # a double tap, or someone else did it: nothing to change
    part.active = active
    audit.record("part.reactivated" if active else "part.deactivated", part, {"sku": part.sku}, user=by)
