"""Parts replaced on a visit: catalog search, and adding, changing and removing rows."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fieldapp.extensions import db
from fieldapp.models import Part, Visit, VisitPart
from fieldapp.services import audit, costs
from fieldapp.domain import DomainError
from fieldapp.services.visits import ensure_editable

SEARCH_LIMIT = 8


def search(query: str) -> list[Part]:
    """Active parts whose SKU starts with, or whose name contains, the query (any case)."""
    query = query.strip().lower()
    if not query:
        return []
    # autoescape: a typed % or _ is a character, not a wildcard
    return list(db.session.scalars(
        select(Part).where(Part.active.is_(True), or_(
            func.lower(Part.sku).startswith(query, autoescape=True),
            func.lower(Part.name).contains(query, autoescape=True),
        )).order_by(Part.name).limit(SEARCH_LIMIT)
    ))


def active_part(part_id: int) -> Part:
    part = db.session.get(Part, part_id)
    if part is None or not part.active:
        raise DomainError(_("That part is not in the catalog."), field="part_id", kind="invalid")
    return part


def add(visit: Visit, part: Part, quantity: int, unit_cost_cents: int | None,
        faulty_serial: str | None, replacement_serial: str | None) -> VisitPart:
    ensure_editable(visit)
    coverage = costs.coverage_for(visit)
    row = VisitPart(
        part=part, quantity=quantity,
        unit_cost_cents=part.unit_price_cents if unit_cost_cents is None else unit_cost_cents,
        faulty_serial=faulty_serial or None, replacement_serial=replacement_serial or None,
        covered=bool(coverage and coverage.covers_parts),
    )
    visit.parts.append(row)
    db.session.flush()
    audit.record("visit.part_added", visit, {"part": part.sku, "quantity": quantity}, user=visit.technician)
    return row


def update(visit: Visit, row: VisitPart, quantity: int, unit_cost_cents: int, faulty_serial: str | None,
           replacement_serial: str | None, covered: bool, repaired: bool = False) -> None:
    ensure_editable(visit)
    row.quantity = quantity
    row.unit_cost_cents = unit_cost_cents
    row.faulty_serial = faulty_serial or None
    row.replacement_serial = replacement_serial or None
    row.covered = covered
    row.repaired = repaired
    audit.record("visit.part_changed", visit, {"part": row.part.sku, "quantity": quantity}, user=visit.technician)


def remove(visit: Visit, row: VisitPart) -> None:
    ensure_editable(visit)
    visit.parts.remove(row)
    audit.record("visit.part_removed", visit, {"part": row.part.sku}, user=visit.technician)


def row_of(visit: Visit, row_id: int) -> VisitPart | None:
    return next((row for row in visit.parts if row.id == row_id), None)
