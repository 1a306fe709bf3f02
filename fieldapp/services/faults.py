"""Fault codes: the admin keeps a small taxonomy (symptom, cause, remedy) per product category;
the technician picks one of each on the visit with one tap; the dashboard ranks them per model.

A code with no category is offered for every product. Codes are never deleted, since visits name
them: a deactivated code is no longer offered, and visits that picked it keep it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import FaultCode, FaultKind, ProductModel, User, Visit
from fieldapp.services import audit

CODE_TAKEN = _l("Another code of this kind and category already uses this code.")
KIND_FIELDS = {FaultKind.SYMPTOM: "symptom_code_id", FaultKind.CAUSE: "cause_code_id",
               FaultKind.REMEDY: "remedy_code_id"}


@dataclass(frozen=True)
class CategoryCodes:
    """One category's codes (category None: for every category), per kind."""
    category: str | None
    by_kind: dict[FaultKind, list[FaultCode]]


def taxonomy() -> list[CategoryCodes]:
    """Every code, grouped per category (the ones for all categories first) and kind: one query."""
    rows = db.session.scalars(select(FaultCode).order_by(
        FaultCode.category.is_not(None), FaultCode.category, FaultCode.kind, FaultCode.code, FaultCode.id))
    grouped: dict[str | None, dict[FaultKind, list[FaultCode]]] = {}
    for row in rows:
        grouped.setdefault(row.category, {kind: [] for kind in FaultKind})[row.kind].append(row)
    return [CategoryCodes(category, by_kind) for category, by_kind in grouped.items()]


def categories() -> list[str]:
    """The product categories in the catalog and in the taxonomy, for the admin's suggestions."""
    used = select(ProductModel.category).where(ProductModel.category.is_not(None)).union(
        select(FaultCode.category).where(FaultCode.category.is_not(None)))
    return sorted(db.session.scalars(used))


def get(code_id: int) -> FaultCode | None:
    return db.session.get(FaultCode, code_id)


def _check(values: dict, code: FaultCode | None = None) -> None:
    if not values["code"]:
        raise DomainError(_("Enter a short code, like NO-HEAT."), "code", "invalid")
    if not values["label"]:
        raise DomainError(_("Enter what the code means."), "label", "invalid")
    category = values["category"]
    statement = select(FaultCode.id).where(
        FaultCode.kind == values["kind"], func.lower(FaultCode.code) == values["code"].lower(),
        FaultCode.category.is_(None) if category is None else func.lower(FaultCode.category) == category.lower())
    if code is not None:
        statement = statement.where(FaultCode.id != code.id)
    if db.session.scalar(statement.limit(1)) is not None:
        raise DomainError(str(CODE_TAKEN), "code", "conflict")


def create(values: dict, by: User) -> FaultCode:
    _check(values)
    code = FaultCode(**values, active=True)
    db.session.add(code)
    db.session.flush()
    audit.record("fault_code.created", code, {"code": code.code, "kind": code.kind.value}, user=by)
    return code


def update(code: FaultCode, values: dict, by: User) -> None:
    _check(values, code)
    changed = sorted(key for key, value in values.items() if getattr(code, key) != value)
    for key in changed:
        setattr(code, key, values[key])
    db.session.flush()
    audit.record("fault_code.updated", code, {"fields": changed}, user=by)


def set_active(code: FaultCode, active: bool, by: User) -> None:
    if code.active == active:
        return  # a double tap, or someone else did it
    code.active = active
    audit.record("fault_code.reactivated" if active else "fault_code.deactivated", code, {"code": code.code}, user=by)


# --- On the visit ---------------------------------------------------------------------------------------

def _category(visit: Visit) -> str | None:
    asset = visit.case.asset
    return asset.product_model.category if asset else None


def offered(visit: Visit) -> dict[FaultKind, list[FaultCode]]:
    """The codes the technician may pick on this visit, per kind: the active ones for the product's
    category and for every category, plus any inactive code the visit already holds (so it still
    shows as chosen). One query."""
    category = _category(visit)
    held = [getattr(visit, field) for field in KIND_FIELDS.values() if getattr(visit, field)]
    fits = FaultCode.category.is_(None) if category is None else or_(
        FaultCode.category.is_(None), func.lower(FaultCode.category) == category.lower())
    condition = FaultCode.active.is_(True) & fits
    if held:
        condition = condition | FaultCode.id.in_(held)
    result: dict[FaultKind, list[FaultCode]] = defaultdict(list)
    for code in db.session.scalars(select(FaultCode).where(condition).order_by(FaultCode.code, FaultCode.id)):
        result[code.kind].append(code)
    return {kind: result[kind] for kind in FaultKind}


def set_codes(visit: Visit, chosen: dict[FaultKind, int | None]) -> None:
    """Store the technician's picks (None: not set). Each must be one offered on this visit."""
    offer = offered(visit)
    for kind, code_id in chosen.items():
        if code_id is not None and code_id not in {code.id for code in offer[kind]}:
            raise DomainError(kind.choose_from_list, KIND_FIELDS[kind], "invalid")
        setattr(visit, KIND_FIELDS[kind], code_id)
