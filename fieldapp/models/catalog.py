"""What we sell and service: product models with their terms, and the parts catalog."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.orm import LabelledEnum, enum_column


class ProductModel(db.Model):
    __tablename__ = "product_models"
    __table_args__ = (
        CheckConstraint("warranty_months >= 0", name="warranty_months_not_negative"),
        CheckConstraint("return_window_days >= 0", name="return_window_not_negative"),
        CheckConstraint(
            "maintenance_interval_months IS NULL OR maintenance_interval_months > 0",
            name="maintenance_interval_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    model_number: Mapped[str] = mapped_column(String(60), unique=True)
    category: Mapped[str | None] = mapped_column(String(60))
    specifications: Mapped[str | None] = mapped_column(Text)
    warranty_months: Mapped[int] = mapped_column(default=12)
    warranty_terms: Mapped[str | None] = mapped_column(Text)
    warranty_conditions: Mapped[str | None] = mapped_column(Text)  # conditions and exclusions
    # Shown on the public QR page too (otherwise to staff only: they may hold internal ratings).
    specifications_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    maintenance_interval_months: Mapped[int | None]
    # Days after the sale date a customer may return the product; 0: this model is not returnable.
    return_window_days: Mapped[int] = mapped_column(default=30)
    # Conditions of the return policy beyond the window (packaging, condition), shown publicly.
    return_conditions: Mapped[str | None] = mapped_column(Text)
    # One tip per line; the technician's one-tap advice and the customer's QR page use them.
    care_tips: Mapped[str | None] = mapped_column(Text)

    resources: Mapped[list[ProductResource]] = relationship(
        back_populates="product_model", cascade="all, delete-orphan", order_by="ProductResource.id"
    )
    faq_entries: Mapped[list[FaqEntry]] = relationship(
        back_populates="product_model", cascade="all, delete-orphan", order_by="FaqEntry.position, FaqEntry.id"
    )

    @property
    def returns_allowed(self) -> bool:
        return self.return_window_days > 0

    @property
    def care_tip_list(self) -> list[str]:
        return [line.strip() for line in (self.care_tips or "").splitlines() if line.strip()]

    @property
    def localized_care_tips(self) -> list[str]:
        """The care tips in the reader's language when the office wrote them in it, else the
        company's (services/content.py); for customer-facing pages."""
        from fieldapp.services import content

        return content.lines(content.localized(self, "care_tips"))

    @property
    def label(self) -> str:
        return f"{self.name} ({self.model_number})"

    def __repr__(self) -> str:
        return f"<ProductModel {self.model_number}>"


class ResourceKind(LabelledEnum):
    MANUAL = "manual", _l("Manual")
    FAQ = "faq", _l("FAQ")
    VIDEO = "video", _l("Video tutorial")


class ProductResource(db.Model):
    """A manual, FAQ or video for a product model (customer education)."""

    __tablename__ = "product_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ResourceKind] = enum_column(ResourceKind)
    title: Mapped[str] = mapped_column(String(160))
    url: Mapped[str] = mapped_column(String(500))

    product_model: Mapped[ProductModel] = relationship(back_populates="resources")


class FaqEntry(db.Model):
    """A question customers ask about a product model, answered on its public QR page."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    product_model: Mapped[ProductModel] = relationship(back_populates="faq_entries")


class ContentTranslation(db.Model):
    """Customer-facing text the office wrote in another language than the company's: care tips,
    return conditions, manual and video titles, FAQ questions and answers, fault-code meanings.
    The record's own column holds the company's language; a missing translation falls back to
    it (services/content.py). `kind` names the record's table; no foreign key, so the service
    removes a record's translations with it."""

    __tablename__ = "content_translations"
    # Also the index of every read: a record's translations (kind, record_id) in one language.
    __table_args__ = (UniqueConstraint("kind", "record_id", "field", "language",
                                       name="uq_content_translations_kind_record_id_field_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ContentTranslation {self.kind} {self.record_id} {self.field} {self.language}>"


class CoveragePlan(db.Model):
    """An extended warranty or service contract the company sells: the template a sale copies."""

    __tablename__ = "coverage_plans"
    __table_args__ = (
        CheckConstraint("months > 0", name="months_positive"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("maintenance_visits_per_year >= 0", name="maintenance_visits_not_negative"),
        CheckConstraint("response_hours IS NULL OR response_hours > 0", name="response_hours_positive"),
        CheckConstraint("resolution_hours IS NULL OR resolution_hours > 0", name="resolution_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # "extended_warranty" or "service_contract" (assets.CoverageKind values).
    kind: Mapped[str] = mapped_column(String(24))
    months: Mapped[int]
    price_cents: Mapped[int]
    covers_parts: Mapped[bool] = mapped_column(default=True)
    covers_labour: Mapped[bool] = mapped_column(default=True)
    covers_transport: Mapped[bool] = mapped_column(default=False)
    # Preventive maintenance visits included each year (0: none).
    maintenance_visits_per_year: Mapped[int] = mapped_column(default=0)
    # Service targets the contract promises; empty: the company's targets per priority.
    response_hours: Mapped[int | None]
    resolution_hours: Mapped[int | None]
    terms: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<CoveragePlan {self.name}>"


class Part(db.Model):
    __tablename__ = "parts"
    __table_args__ = (CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    unit_price_cents: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Part {self.sku}>"
