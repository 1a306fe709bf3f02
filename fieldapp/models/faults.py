"""Fault codes: a small taxonomy of symptoms, causes and remedies per product category, which the
technician picks on the visit with one tap next to the free text, so recurring faults can be
counted per model (services.dashboard)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column


class FaultKind(LabelledEnum):
    SYMPTOM = "symptom", _l("Symptom")
    CAUSE = "cause", _l("Cause")
    REMEDY = "remedy", _l("Remedy")

    @property
    def choose_from_list(self) -> str:
        """"Choose a symptom from the list.", as a whole sentence per kind (in German or Chinese
        a lowercased label does not make one)."""
        return str(_CHOOSE_FROM_LIST[self])


_CHOOSE_FROM_LIST = {FaultKind.SYMPTOM: _l("Choose a symptom from the list."),
                     FaultKind.CAUSE: _l("Choose a cause from the list."),
                     FaultKind.REMEDY: _l("Choose a remedy from the list.")}


class FaultCode(db.Model):
    """One code of the taxonomy. `category` is a product category (ProductModel.category); None:
    offered for every category. Codes are never deleted (visits name them): they are deactivated."""

    __tablename__ = "fault_codes"
    # Unique per kind and category; the category-less codes are kept apart by the service, since
    # NULLs never clash in a unique constraint.
    __table_args__ = (UniqueConstraint("kind", "category", "code", name="uq_fault_codes_kind_category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str | None] = mapped_column(String(60), index=True)
    kind: Mapped[FaultKind] = enum_column(FaultKind)
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<FaultCode {self.kind.value} {self.code}>"
