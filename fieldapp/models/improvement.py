"""Continuous improvement (process step 8): the corrective actions the office records from a finding
on the Reports page (a fault code rising on a model, repeat visits, a low-rated aspect), with who
owns each, when it is due, and the day it took effect: the figure is compared before and after that
day (services/improvement.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models.ratings import ASPECTS
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.catalog import ProductModel
    from fieldapp.models.faults import FaultCode
    from fieldapp.models.people import User


class FindingKind(LabelledEnum):
    """What on the Reports page the action answers; it decides which figure is compared."""

    FAULT_CODE = "fault_code", _l("A fault code rising on a model")
    REPEAT_VISITS = "repeat_visits", _l("Repeat visits on a model")
    LOW_ASPECT = "low_aspect", _l("A low-rated aspect")
    OTHER = "other", _l("Something else")


class ActionStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")

    @property
    def is_open(self) -> bool:
        return self in OPEN_ACTION_STATUSES


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class CorrectiveAction(db.Model):
    __tablename__ = "corrective_actions"
    __table_args__ = (
        CheckConstraint("aspect IS NULL OR aspect IN ({})".format(", ".join(f"'{a}'" for a in ASPECTS)),
                        name="aspect_known"),
        CheckConstraint("kind <> 'low_aspect' OR aspect IS NOT NULL", name="low_aspect_named"),
        CheckConstraint("kind <> 'fault_code' OR fault_code_id IS NOT NULL", name="fault_code_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))  # what is done
    kind: Mapped[FindingKind] = enum_column(FindingKind)
    # The model the finding is about (required for a fault code; else empty: every model). A model
    # is only removed while no product has it, so no figure is lost with it.
    product_model_id: Mapped[int | None] = mapped_column(ForeignKey("product_models.id", ondelete="SET NULL"),
                                                         index=True)
    fault_code_id: Mapped[int | None] = mapped_column(ForeignKey("fault_codes.id"), index=True)
    aspect: Mapped[str | None] = mapped_column(String(40))  # one of ASPECTS
    notes: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.PLANNED, index=True)
    # The day the action took effect: its figure compares the days before with the days since.
    started_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]  # when it was done or dropped; empty while open

    product_model: Mapped[ProductModel | None] = relationship()
    fault_code: Mapped[FaultCode | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def __repr__(self) -> str:
        return f"<CorrectiveAction {self.id} {self.kind.value} {self.status.value}>"
