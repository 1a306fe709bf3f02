"""Customer-facing text the office writes, per language: care tips and return conditions of a
product model, titles of its manuals and videos, its FAQ (question and answer), and the meanings
of fault codes.

The record's own column holds the text in the company's language; translations into the other
shipped languages are rows of `content_translations` (kind, record id, field, language). A
reader gets their language (`languages.current_language()`) field by field, and the company's
text wherever a translation is missing or empty.

Reads are per request and per language: a record's translations come in one query, and a product
model's whole page (the model, its links and its FAQ) in one query (`preload_model`).
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import FaqEntry, FaultCode, ProductModel, ProductResource, User
from fieldapp.models.catalog import ContentTranslation
from fieldapp.services import audit

# What may be translated: per record type, its kind and its fields with their longest text
# (the limits of the original fields' forms).
KINDS: dict[type, str] = {ProductModel: "product_model", ProductResource: "product_resource",
                          FaqEntry: "faq_entry", FaultCode: "fault_code"}
FIELDS: dict[str, dict[str, int]] = {
    "product_model": {"care_tips": 2000, "return_conditions": 2000, "warranty_terms": 4000,
                      "warranty_conditions": 4000},
    "product_resource": {"title": 160},
    "faq_entry": {"question": 300, "answer": 4000},
    "fault_code": {"label": 120},
}
# The kinds that belong to a product model's page (read with it by `preload_model`).
MODEL_PARTS = {"product_resource": ProductResource, "faq_entry": FaqEntry}


def kind_of(record) -> str:
    try:
        return KINDS[type(record)]
    except KeyError:
        raise TypeError(f"{type(record).__name__} has no translatable content") from None


def lines(text: str | None) -> list[str]:
    """One item per non-empty line (care tips)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def other_languages() -> list[tuple[str, str]]:
    """The shipped languages the office may translate into: all but the company's."""
    company = languages.company_language()
    return [(code, name) for code, name in languages.choices() if code != company]


# --- Reading ---------------------------------------------------------------------------------------------

class _Cache:
    """What this request read: texts per (language, kind, record id), and the product models
    whose whole page was read per language."""

    def __init__(self):
        self.texts: dict[tuple[str, str, int], dict[str, str]] = {}
        self.models: set[tuple[str, int]] = set()

    def loaded(self, language: str, kind: str, record) -> bool:
        if (language, kind, record.id) in self.texts:
            return True
        return kind in MODEL_PARTS and (language, record.product_model_id) in self.models

    def texts_of(self, language: str, kind: str, record_id: int) -> dict[str, str]:
        return self.texts.get((language, kind, record_id), {})

    def keep(self, language: str, rows) -> None:
        for kind, record_id, field, text in rows:
            self.texts.setdefault((language, kind, record_id), {})[field] = text


def _cache() -> _Cache:
    if not has_app_context():
        return _Cache()
    cache = g.get("content_translations")
    if cache is None:
        cache = g.content_translations = _Cache()
    return cache


def forget_cache() -> None:
    if has_app_context():
        g.pop("content_translations", None)


def _columns():
    return select(ContentTranslation.kind, ContentTranslation.record_id, ContentTranslation.field,
                  ContentTranslation.text)


def _reads(language: str | None) -> str | None:
    """The language to read translations in, or None: the company's own (the columns)."""
    language = language or languages.current_language()
    return None if language == languages.company_language() else language


def preload(records: Iterable, language: str | None = None) -> None:
    """Read the translations of these records (any kinds) in one query."""
    language = _reads(language)
    if language is None:
        return
    cache = _cache()
    wanted: dict[str, set[int]] = {}
    for record in records:
        kind = kind_of(record)
        if record.id is not None and not cache.loaded(language, kind, record):
            wanted.setdefault(kind, set()).add(record.id)
    if not wanted:
        return
    rows = db.session.execute(_columns().where(ContentTranslation.language == language, or_(*(
        and_(ContentTranslation.kind == kind, ContentTranslation.record_id.in_(sorted(ids)))
        for kind, ids in wanted.items()))))
    for kind, ids in wanted.items():
        for record_id in ids:
            cache.texts.setdefault((language, kind, record_id), {})
    cache.keep(language, rows)


def preload_model(model: ProductModel, language: str | None = None) -> None:
    """Read what a product model's customers see, in one query: the model's own translations and
    those of its manuals, videos and FAQ entries (found by a subquery, not loaded first)."""
    language = _reads(language)
    if language is None or model.id is None:
        return
    cache = _cache()
    if (language, model.id) in cache.models:
        return
    parts = [and_(ContentTranslation.kind == kind, ContentTranslation.record_id.in_(
        select(table.id).where(table.product_model_id == model.id))) for kind, table in MODEL_PARTS.items()]
    rows = db.session.execute(_columns().where(ContentTranslation.language == language, or_(
        and_(ContentTranslation.kind == "product_model", ContentTranslation.record_id == model.id), *parts)))
    cache.texts.setdefault((language, "product_model", model.id), {})
    cache.keep(language, rows)
    cache.models.add((language, model.id))


def localized(record, field: str, language: str | None = None) -> str | None:
    """The record's `field` in the reader's language (or `language`), else the company's text."""
    original = getattr(record, field)
    language = _reads(language)
    if language is None or record.id is None:
        return original
    kind = kind_of(record)
    cache = _cache()
    if not cache.loaded(language, kind, record):
        preload([record], language)
    return cache.texts_of(language, kind, record.id).get(field) or original


# --- Writing (the office) ------------------------------------------------------------------------------------

def translations(record) -> dict[str, dict[str, str]]:
    """Every translation the record has: {language: {field: text}}, for the office's form."""
    return translations_of([record]).get((kind_of(record), record.id), {})


def translations_of(records: Iterable) -> dict[tuple[str, int], dict[str, dict[str, str]]]:
    """Every translation of these records, in one query: {(kind, id): {language: {field: text}}}."""
    wanted: dict[str, set[int]] = {}
    for record in records:
        if record.id is not None:
            wanted.setdefault(kind_of(record), set()).add(record.id)
    found: dict[tuple[str, int], dict[str, dict[str, str]]] = {}
    if not wanted:
        return found
    rows = db.session.execute(
        select(ContentTranslation.kind, ContentTranslation.record_id, ContentTranslation.language,
               ContentTranslation.field, ContentTranslation.text)
        .where(or_(*(and_(ContentTranslation.kind == kind, ContentTranslation.record_id.in_(sorted(ids)))
                     for kind, ids in wanted.items()))))
    for kind, record_id, language, field, text in rows:
        found.setdefault((kind, record_id), {}).setdefault(language, {})[field] = text
    return found


def save(record, texts: dict[str, dict[str, str | None]], by: User, audited=None) -> list[str]:
    """Store the record's translations: {language: {field: text}}; an empty text removes that
    translation (readers get the company's text again). Returns the languages that changed.
    `audited`: the record the audit trail names (the product model of a FAQ entry, say)."""
    kind = kind_of(record)
    limits = FIELDS[kind]
    allowed = dict(other_languages())
    errors: dict[str, str] = {}
    cleaned: dict[tuple[str, str], str | None] = {}
    for language, fields in texts.items():
        if language not in allowed:
            raise DomainError(_("Translations into this language cannot be written here."), kind="invalid")
        for field, text in fields.items():
            if field not in limits:
                raise DomainError(_("This text cannot be translated."), kind="invalid")
            text = (text or "").strip() or None
            if text is not None and len(text) > limits[field]:
                errors[f"{field}__{language}"] = _("Write at most %(max)d characters (this has %(length)d).",
                                                   max=limits[field], length=len(text))
            cleaned[(language, field)] = text
    if errors:
        raise DomainError(next(iter(errors.values())), kind="invalid", errors=errors)
    existing = {(row.language, row.field): row for row in db.session.scalars(
        select(ContentTranslation).where(ContentTranslation.kind == kind, ContentTranslation.record_id == record.id))}
    changed: set[str] = set()
    for (language, field), text in cleaned.items():
        row = existing.get((language, field))
        if text is None:
            if row is not None:
                db.session.delete(row)
                changed.add(language)
        elif row is None:
            db.session.add(ContentTranslation(kind=kind, record_id=record.id, field=field, language=language,
                                              text=text))
            changed.add(language)
        elif row.text != text:
            row.text = text
            changed.add(language)
    db.session.flush()
    forget_cache()
    if changed:
        audit.record("content.translated", audited if audited is not None else record,
                     {"kind": kind, "record_id": record.id, "languages": sorted(changed)}, user=by)
    return sorted(changed)


def remove(records: Iterable) -> None:
    """Remove the translations of records being deleted (there is no foreign key to cascade)."""
    wanted: dict[str, set[int]] = {}
    for record in records:
        if record.id is not None:
            wanted.setdefault(kind_of(record), set()).add(record.id)
    if wanted:
        db.session.execute(delete(ContentTranslation).where(or_(*(
            and_(ContentTranslation.kind == kind, ContentTranslation.record_id.in_(sorted(ids)))
            for kind, ids in wanted.items()))))
        forget_cache()
