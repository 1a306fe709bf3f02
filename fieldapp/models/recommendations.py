"""What a technician recommends after a visit (a check-up, a repair, an upgrade), kept as a record
the office acts on: a follow-up is planned for it, or a new case is opened."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.cases import Case, FollowUp
    from fieldapp.models.visits import Visit


class RecommendationKind(LabelledEnum):
    CHECK_UP = "check_up", _l("Check-up")
    REPAIR = "repair", _l("Repair")
    UPGRADE = "upgrade", _l("Upgrade")
    MAINTENANCE = "maintenance", _l("Maintenance")
    OTHER = "other", _l("Other")


class RecommendationStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    FOLLOW_UP = "follow_up", _l("Follow-up planned")
    CASE_OPENED = "case_opened", _l("Case opened")
    DECLINED = "declined", _l("Declined by the customer")

    @property
    def is_open(self) -> bool:
        return self is RecommendationStatus.OPEN


class Recommendation(db.Model):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RecommendationKind] = enum_column(RecommendationKind)
    what: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]  # by when it should be done
    status: Mapped[RecommendationStatus] = enum_column(RecommendationStatus, default=RecommendationStatus.OPEN,
                                                       index=True)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id", ondelete="SET NULL"))
    new_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    visit: Mapped[Visit] = relationship(back_populates="recommendations")
    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    follow_up: Mapped[FollowUp | None] = relationship()
    new_case: Mapped[Case | None] = relationship(foreign_keys=[new_case_id])
