"""The customer's rating: of a visit (one per visit, however given), or of a case solved without
a visit (one per case); given on the technician's phone, via the QR code, by a survey link, or
told to the office, which records it."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.cases import Case
    from fieldapp.models.people import User
    from fieldapp.models.visits import Visit

ASPECTS = ("overall", "timeliness", "professionalism", "quality", "product_performance")


class RatingSource(LabelledEnum):
    ON_SITE = "on_site", _l("On site")
    QR = "qr", _l("QR code")
    OFFICE = "office", _l("Taken by the office")
    SURVEY = "survey", _l("Survey link")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        *(CheckConstraint(f"{aspect} BETWEEN 1 AND 5", name=f"{aspect}_1_to_5") for aspect in ASPECTS),
        Index("uq_ratings_case_without_visit", "case_id", unique=True,
              sqlite_where=text("visit_id IS NULL"), postgresql_where=text("visit_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: one rating per visit across every channel, enforced by the schema; empty: the
    # rating of a case solved without a visit.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    # The case rated (the visit's, when there is one: filled in from it on insert).
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Who in the office wrote it down, for a rating told by phone.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overall: Mapped[int]
    timeliness: Mapped[int]
    professionalism: Mapped[int]
    quality: Mapped[int]
    product_performance: Mapped[int]
    comments: Mapped[str | None] = mapped_column(Text)
    complaint: Mapped[str | None] = mapped_column(Text)
    source: Mapped[RatingSource] = enum_column(RatingSource)
    signer_name: Mapped[str | None] = mapped_column(String(160))
    # The drawn signature as SVG path data (compact, vector, no image decoding needed).
    signature_svg: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # exports and reports filter on it

    visit: Mapped[Visit | None] = relationship(back_populates="rating")
    case: Mapped[Case] = relationship()
    taken_by: Mapped[User | None] = relationship()

    @property
    def is_low(self) -> bool:
        return self.overall <= 2


@event.listens_for(Rating, "before_insert")
def _case_of_the_visit(_mapper, connection, rating: Rating) -> None:
    """A visit's rating belongs to the visit's case, whoever created it."""
    if rating.case_id is None and rating.visit_id is not None:
        from fieldapp.models.visits import Visit

        rating.case_id = connection.scalar(select(Visit.case_id).where(Visit.id == rating.visit_id))
