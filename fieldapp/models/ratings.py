"""The customer's rating of a visit: one per visit, whether given on site or via the QR code."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.visits import Visit

ASPECTS = ("overall", "timeliness", "professionalism", "quality", "product_performance")


class RatingSource(LabelledEnum):
    ON_SITE = "on_site", _l("On site")
    QR = "qr", _l("QR code")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = tuple(
        CheckConstraint(f"{aspect} BETWEEN 1 AND 5", name=f"{aspect}_1_to_5") for aspect in ASPECTS
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: one rating per visit across both channels, enforced by the schema
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
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

    visit: Mapped[Visit] = relationship(back_populates="rating")

    @property
    def is_low(self) -> bool:
        return self.overall <= 2
