"""Customers for the office: find them (name, phone, email, postcode), spot likely duplicates,
create and edit them. Searches page and count in SQL; nothing here loads every customer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, column, func, literal, literal_column, or_, select, table, tuple_
from sqlalchemy.orm import joinedload

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, ContactBy, Customer, ServiceAgreement, User
from fieldapp.models import search as search_index
from fieldapp.models.search import phone_digits
from fieldapp.services import audit, contact_preferences, phones

PAGE_SIZE = 25
CASES_PAGE = 20
# What people put between the digits of a phone number (PHONE_RE in forms/public.py), and the +.
PHONE_SEPARATORS = " -./()+"
# Two numbers ending in the same 9 digits are the same line (+31 6 1234 5678 and 06 1234 5678).
PHONE_TAIL = 9
_PHONE_QUERY = re.compile(r"\+?[0-9 ()./-]+")
# A Dutch postcode (1234 AB), else a Belgian/German style number of 4 or 5 digits on its own.
_POSTCODES = (re.compile(r"\b[1-9][0-9]{3} ?[A-Za-z]{2}\b"), re.compile(r"\b[0-9]{4,5}\b"))


def _without(column, characters: str) -> ColumnElement:
    """The column with these characters removed, in SQL (REPLACE works on SQLite and PostgreSQL)."""
    return reduce(lambda expr, char: func.replace(expr, char, ""), characters, column)


def _matches(query: str) -> ColumnElement | None:
    """Where a customer matches what was typed: name, email, address (so the postcode, typed with
    or without its space) and, for a number, the phone ignoring spaces, dashes and dots."""
    query = query.strip().lower()
    if not query:
        return None
    # autoescape: a typed % or _ is a character, not a wildcard
    found = [func.lower(Customer.name).contains(query, autoescape=True),
             func.lower(Customer.email).contains(query, autoescape=True),
             func.lower(_without(Customer.address, " \n\r")).contains("".join(query.split()), autoescape=True)]
    pieces = [query, "".join(query.split())]
    digits = phone_digits(query)
    if _PHONE_QUERY.fullmatch(query) and digits:
        stored = _without(Customer.phone, PHONE_SEPARATORS)
        found.append(stored.contains(digits, autoescape=True))
        pieces.append(digits)
        if len(digits) >= 6 and digits.startswith("0") and not digits.startswith("00"):
            # 06 1234 5678 typed, +31 6 1234 5678 stored: the trunk 0 is not dialled from abroad
            found.append(stored.contains(digits[1:], autoescape=True))
            pieces.append(digits[1:])
    indexed = _through_index(pieces)
    return or_(*found) if indexed is None else and_(indexed, or_(*found))


def _through_index(pieces: list[str]) -> ColumnElement | None:
    """The customers whose search text holds one of these pieces, found through the trigram index
    (fieldapp/models/search.py): every customer the exact conditions can match, and few others.
    None when a piece is shorter than a trigram: then the conditions alone read every customer."""
    if any(len(piece) < 3 for piece in pieces):
        return None
    if db.session.get_bind().dialect.name == "sqlite":
        phrases = " OR ".join('"' + piece.replace('"', '""') + '"' for piece in dict.fromkeys(pieces))
        index = table(search_index.FTS_TABLE, column("rowid"))
        return Customer.id.in_(select(index.c.rowid).where(literal_column(search_index.FTS_TABLE).op("MATCH")(phrases)))
    # PostgreSQL: the whole pattern as one value, so the planner sees it and uses the GIN index.
    return or_(*(Customer.search_text.like(f"%{_escape_like(piece)}%", escape="/") for piece in dict.fromkeys(pieces)))


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _product_count():
    return (select(func.count(Asset.id)).where(Asset.customer_id == Customer.id)
            .correlate(Customer).scalar_subquery())


@dataclass(frozen=True)
class CustomerPage:
    rows: list[tuple[Customer, int]]  # each customer with how many products they have
    page: int
    has_previous: bool
    has_next: bool

    @property
    def first_id(self) -> int | None:
        return self.rows[0][0].id if self.rows else None

    @property
    def last_id(self) -> int | None:
        return self.rows[-1][0].id if self.rows else None


def search(query: str, page: int, after: int | None = None, before: int | None = None) -> CustomerPage:
    """One page of customers matching `query` (all when empty) by name, with how many products
    each has. The matches are never counted (with 20,000 customers, counting cost as much as
    finding the page).

    Keyset paging: Next asks for the customers after the last one shown (`after`, a customer
    id), Previous for those before the first (`before`), so page 800 costs what page 1 does: a
    step down the name index, no OFFSET reading the 20,000 rows before it. A link without a
    known customer (the one named was deleted meanwhile, or an old link) pages by number."""
    condition = _matches(query)
    listed = select(Customer, _product_count().label("products"))
    if condition is not None:
        listed = listed.where(condition)
    key = tuple_(Customer.name, Customer.id)
    anchor = db.session.get(Customer, after or before) if (after or before) else None
    if anchor is not None and after:
        listed = listed.where(key > tuple_(literal(anchor.name), literal(anchor.id))).order_by(Customer.name, Customer.id)
    elif anchor is not None:
        listed = (listed.where(key < tuple_(literal(anchor.name), literal(anchor.id)))
                  .order_by(Customer.name.desc(), Customer.id.desc()))
    else:
        listed = listed.order_by(Customer.name, Customer.id).offset((page - 1) * PAGE_SIZE)
    rows = [(customer, products) for customer, products in db.session.execute(listed.limit(PAGE_SIZE + 1))]
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if anchor is not None and before:
        rows.reverse()  # read backwards from the anchor; shown in name order
        return CustomerPage(rows, page, has_previous=more, has_next=True)
    return CustomerPage(rows, page, has_previous=anchor is not None or page > 1, has_next=more)


def pick(query: str, limit: int = 10) -> list[Customer]:
    """Up to `limit` customers for a picker; nothing until something is typed."""
    condition = _matches(query)
    if condition is None:
        return []
    return list(db.session.scalars(select(Customer).where(condition).order_by(Customer.name, Customer.id)
                                   .limit(limit)))


def postcode(address: str | None) -> str | None:
    """The postcode inside an address, to tell customers of the same name apart."""
    for pattern in _POSTCODES:
        match = pattern.search(address or "")
        if match:
            return match.group(0).upper()
    return None


def likely_duplicates(email: str | None, phone: str | None, exclude_id: int | None = None,
                      limit: int = 10) -> list[Customer]:
    """Customers with the same email (any case) or the same phone number (its digits)."""
    found = []
    email = (email or "").strip().lower()
    if email:
        found.append(func.lower(Customer.email) == email)
    digits = phone_digits(phone)
    stored = _without(Customer.phone, PHONE_SEPARATORS)
    if len(digits) >= PHONE_TAIL:
        found.append(stored.endswith(digits[-PHONE_TAIL:], autoescape=True))
    elif len(digits) >= 6:
        found.append(stored == digits)
    if not found:
        return []
    statement = select(Customer).where(or_(*found))
    if exclude_id is not None:
        statement = statement.where(Customer.id != exclude_id)
    return list(db.session.scalars(statement.order_by(Customer.name, Customer.id).limit(limit)))


def get(customer_id: int) -> Customer | None:
    return db.session.get(Customer, customer_id)


def _clean(name: str, phone: str | None, email: str | None, address: str | None, notes: str | None,
           language: str | None = None) -> dict:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the customer's name."), "name", "invalid")
    language = (language or "").strip() or None  # none: the company's language
    if language is not None and languages.valid(language) is None:
        raise DomainError(_("Choose one of the languages in the list."), "language", "invalid")
    # The phone number as typed is checked and kept in E.164 (+31612345678), refused at its field.
    return {"name": name, "phone": phones.normalized(phone, "phone"), "email": (email or "").strip() or None,
            "address": (address or "").strip() or None, "notes": (notes or "").strip() or None,
            "language": language}


def create(name: str, phone: str | None, email: str | None, address: str | None, notes: str | None, by: User,
           allow_duplicate: bool = False, language: str | None = None, contact_by: ContactBy | None = None,
           consent_how: str | None = None) -> Customer:
    """A new customer. Refused (a conflict) while one with the same email or phone exists,
    unless the user confirmed it is someone else (`allow_duplicate`). `language`: the one mails,
    texts and reports to them are written in (None: the company's). `contact_by`: the channels
    messages go by (None: both); `consent_how`: how they agreed, recorded as of now."""
    values = _clean(name, phone, email, address, notes, language)
    if not allow_duplicate and likely_duplicates(values["email"], values["phone"], limit=1):
        raise DomainError(_("This customer may already exist: check the customers listed, or tick "
                            "“Create anyway” if this is someone else."), "confirm_duplicate", "conflict")
    customer = Customer(**values)
    contact_preferences.start(customer, contact_by, consent_how)
    db.session.add(customer)
    db.session.flush()
    audit.record("customer.created", customer, {"contact_by": customer.contact_by.value,
                                                "consent": customer.consent_how} if customer.consent_how else None,
                 user=by)
    return customer


def update(customer: Customer, name: str, phone: str | None, email: str | None, address: str | None,
           notes: str | None, by: User, language: str | None = None, contact_by: ContactBy | None = None,
           consent_how: str | None = None) -> None:
    """The customer's details; their channels and consent as services.contact_preferences
    records them (None and nothing typed: as they were)."""
    values = _clean(name, phone, email, address, notes, language)
    changed = sorted(key for key, value in values.items() if getattr(customer, key) != value)
    for key in changed:
        setattr(customer, key, values[key])
    audit.record("customer.updated", customer, {"fields": changed}, user=by)
    contact_preferences.choose(customer, contact_by, consent_how, by)


def products(customer: Customer) -> list[Asset]:
    return list(db.session.scalars(select(Asset).where(Asset.customer_id == customer.id)
                                   .options(joinedload(Asset.product_model))
                                   .order_by(Asset.sales_date.desc(), Asset.id.desc())))


def cases(customer: Customer, page: int) -> tuple[list[Case], int]:
    """The customer's cases, newest first, a page at a time, with their products."""
    total = db.session.scalar(select(func.count(Case.id)).where(Case.customer_id == customer.id))
    found = db.session.scalars(select(Case).where(Case.customer_id == customer.id).options(joinedload(Case.asset))
                               .order_by(Case.created_at.desc(), Case.id.desc())
                               .offset((page - 1) * CASES_PAGE).limit(CASES_PAGE))
    return list(found), total


# --- Service agreements (a service sold without a product) ------------------------------------------------

MAX_AGREEMENT_YEARS = 10


def add_agreement(customer: Customer, what: str, reference: str | None, site: str | None, starts_on: date,
                  ends_on: date, price_cents: int | None, covers_parts: bool, covers_labour: bool,
                  covers_transport: bool, maintenance_visits_per_year: int, terms: str | None,
                  by: User) -> ServiceAgreement:
    """Sell the customer a service agreement: from then on it covers their visits on its days
    (for what it covers) wherever the product has no coverage of its own."""
    what = (what or "").strip()
    if not what:
        raise DomainError(_("Say what the agreement covers."), "what", "invalid")
    if ends_on < starts_on:
        raise DomainError(_("The last day comes before the first."), "ends_on", "invalid")
    if (ends_on - starts_on).days > 366 * MAX_AGREEMENT_YEARS:
        raise DomainError(_("An agreement runs at most %(num)s years.", num=MAX_AGREEMENT_YEARS), "ends_on", "invalid")
    agreement = ServiceAgreement(what=what, reference=reference, site=site, starts_on=starts_on, ends_on=ends_on,
                                 price_cents=price_cents, covers_parts=covers_parts, covers_labour=covers_labour,
                                 covers_transport=covers_transport,
                                 maintenance_visits_per_year=maintenance_visits_per_year, terms=terms,
                                 sold_by_id=by.id)
    customer.agreements.append(agreement)
    db.session.flush()
    audit.record("customer.agreement_sold", customer, {"agreement": agreement.id, "what": what,
                                                       "until": ends_on.isoformat()}, user=by)
    return agreement
