"""How requests come in (process step 1), each opening a case: a customer's request from a
product's label or the web form, a request the dispatcher takes by phone, email, chat or at the
desk (the customer found or typed in new, the product one of theirs or found by its serial), or
a case opened from a product's page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fieldapp import clock, languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    OPEN_CASE_STATUSES, Asset, Case, CaseStatus, CaseType, Channel, ContactBy, Customer, Priority, User,
)
from fieldapp.orm import utcnow
from fieldapp.services import assets, audit, catalog, customers, lifecycle, phones
from fieldapp.services.numbering import next_case_number


def _new_case(asset: Asset | None, customer: Customer | None = None, **fields) -> Case:
    now = utcnow()
    case = Case(number=next_case_number(clock.local(now).year), asset=asset,
                customer=customer or (asset.customer if asset else None), status=CaseStatus.NEW, created_at=now,
                **fields)
    db.session.add(case)
    db.session.flush()
    return case


def request_from_qr(asset: Asset, name: str, phone: str | None, email: str | None, description: str,
                    preferred_time: str | None) -> Case:
    """A customer asked for help from the product's label: into the dispatcher's queue. The phone
    number is kept in E.164; one no country has is refused at the form's "phone"."""
    case = _new_case(asset, channel=Channel.QR, case_type=CaseType.REPAIR, priority=Priority.NORMAL,
                     contact_name=name.strip(), contact_phone=phones.normalized(phone, "phone"),
                     contact_email=(email or "").strip().lower() or None, description=description.strip(),
                     preferred_time=(preferred_time or "").strip() or None)
    lifecycle.opened(case, None, _l("Requested from the product's QR label"))
    audit.record("case.requested_by_qr", case, {"asset": asset.id})
    return case


def question_from_qr(asset: Asset, name: str, email: str, question: str) -> Case:
    """A customer's question from the product's label: into the queue, to be answered by email."""
    case = _new_case(asset, channel=Channel.QR, case_type=CaseType.QUESTION, priority=Priority.NORMAL,
                     contact_name=name.strip(), contact_email=email.strip().lower(), description=question.strip())
    lifecycle.opened(case, None, _l("Question asked from the product's QR label"))
    audit.record("case.question_by_qr", case, {"asset": asset.id})
    return case


def request_from_web(serial: str | None, name: str, phone: str | None, email: str | None, postcode: str | None,
                     description: str, preferred_time: str | None) -> Case:
    """A request from the public web form. The product is found by its serial (and, when the
    customer gave one, the postcode must match theirs too); otherwise the case waits in the queue
    with the requester's details for the dispatcher to match by phone."""
    phone = phones.normalized(phone, "phone")
    serial = (serial or "").strip()
    asset = assets.by_serial(serial) if serial else None
    if asset is not None and postcode and not _same_postcode(postcode, asset):
        asset = None
    with lifecycle.for_the_record():  # what came with it, as a list of facts
        facts = [_("Requested from the web form")]
        if serial and asset is None:
            facts.append(_("serial given: %(serial)s (not matched)", serial=serial))
        if postcode:
            facts.append(_("postcode %(postcode)s", postcode=postcode.strip()))
    note = "; ".join(facts)
    case = _new_case(asset, channel=Channel.WEB, case_type=CaseType.REPAIR, priority=Priority.NORMAL,
                     contact_name=name.strip(), contact_phone=phone,
                     contact_email=(email or "").strip().lower() or None, description=description.strip(),
                     preferred_time=(preferred_time or "").strip() or None)
    lifecycle.opened(case, None, note)
    audit.record("case.requested_by_web", case, {"matched": asset is not None})
    return case


def _same_postcode(postcode: str, asset: Asset) -> bool:
    wanted = "".join(postcode.split()).lower()
    address = "".join((asset.address or "").split()).lower()
    return bool(wanted) and wanted in address


def open_for_asset(asset: Asset, channel: Channel, case_type: CaseType, priority: Priority, description: str,
                   by: User) -> Case:
    customer = asset.customer
    case = _new_case(asset, channel=channel, case_type=case_type, priority=priority,
                     description=description.strip(), created_by=by, contact_name=customer.name,
                     contact_phone=customer.phone, contact_email=customer.email)
    lifecycle.opened(case, by)
    audit.record("case.opened", case, {"asset": asset.id}, user=by)
    return case


class DuplicateCase(DomainError):
    """The product already has an open case: shown before a second one is opened."""

    def __init__(self, open_cases: list[Case]):
        numbers = ", ".join(c.number for c in open_cases)
        super().__init__(_("This product already has an open case (%(numbers)s). Add to it, or tick "
                           "“Open a new case anyway”.", numbers=numbers), "confirm_duplicate")
        self.open_cases = open_cases


def open_cases_for(asset: Asset) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.asset_id == asset.id, Case.status.in_(OPEN_CASE_STATUSES))
                                   .order_by(Case.created_at)))


def take_request(customer: Customer, asset: Asset | None, channel: Channel, case_type: CaseType,
                 priority: Priority, description: str, contact: dict, by: User | None,
                 allow_duplicate: bool = False, new_customer: bool = False) -> Case:
    """A request for assistance (process step 1) into the queue. `contact`: the requester as they
    gave themselves (name, phone, email, preferred_time); the customer's details fill the gaps.

    A customer just created at the desk may call about a product registered to someone else (it
    changed hands with a house, say): the case is theirs, and the dispatcher is asked to check who
    owns it now. An existing customer picking another's product is refused: a mix-up."""
    previous_owner = None
    if asset is not None and asset.customer_id != customer.id:
        if not new_customer:
            raise DomainError(_("That product belongs to another customer."), "serial", "invalid")
        previous_owner = asset.customer
    if asset is not None and not allow_duplicate:
        existing = open_cases_for(asset)
        if existing:
            raise DuplicateCase(existing)
    clean = {key: (value or "").strip() or None for key, value in contact.items()}
    case = _new_case(asset, customer, channel=channel, case_type=case_type, priority=priority,
                     description=description.strip(), created_by=by,
                     contact_name=clean.get("name") or customer.name,
                     contact_phone=clean.get("phone") or customer.phone,
                     contact_email=(clean.get("email") or customer.email or "").lower() or None,
                     preferred_time=clean.get("preferred_time"))
    lifecycle.opened(case, by)
    if previous_owner is not None:
        lifecycle.raise_attention(case, _l("Product registered to %(name)s: check who owns it now",
                                           name=previous_owner.name), by)
    audit.record("case.opened", case, {"channel": channel.value}, user=by)
    return case


# --- At the desk -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewCustomer:
    name: str
    phone: str | None
    email: str | None
    address: str | None
    language: str | None = None  # one of languages.available(); None: the company's
    contact_by: ContactBy | None = None  # None: both
    consent_how: str | None = None  # how they agreed to messages, when the office asked


@dataclass(frozen=True)
class NewProduct:
    """A product the caller has that is not registered yet: its model and when it was sold."""
    model_id: int | None = None
    sales_date: date | None = None


def take_at_desk(customer_id: int | None, new_customer: NewCustomer, asset_id: int | None, serial: str | None,
         channel: Channel, case_type: CaseType, priority: Priority, description: str, contact: dict, by: User,
         allow_duplicate_case: bool = False, allow_duplicate_customer: bool = False,
         new_product: NewProduct = NewProduct()) -> Case:
    """Open the case; a new customer and a new product are registered in the same transaction
    (nothing is kept when the case is refused). Phone numbers typed are kept in E.164, a number
    no country has refused at its field."""
    contact = {**contact, "phone": phones.normalized(contact.get("phone"), "contact_phone")}
    customer = _customer(customer_id, new_customer, by, allow_duplicate_customer)
    asset = _asset(customer, asset_id, serial, new_product, by)
    return take_request(customer, asset, channel, case_type, priority, description, contact, by,
                              allow_duplicate_case, new_customer=customer_id is None)


def _customer(customer_id: int | None, new: NewCustomer, by: User, allow_duplicate: bool) -> Customer:
    if customer_id:
        return customers.get(customer_id) or _refuse(_("That customer no longer exists."), "customer_id")
    if new.language and languages.valid(new.language) is None:
        _refuse(_("Choose one of the languages in the list."), "new_language")
    phone = phones.normalized(new.phone, "new_phone")
    customer = customers.create(new.name, phone, new.email, new.address, None, by,
                                allow_duplicate=allow_duplicate, contact_by=new.contact_by,
                                consent_how=new.consent_how)
    customer.language = languages.valid(new.language)
    return customer


def _asset(customer: Customer, asset_id: int | None, serial: str | None, new: NewProduct, by: User) -> Asset | None:
    if asset_id:
        asset = next((a for a in customers.products(customer) if a.id == asset_id), None)
        return asset or _refuse(_("Choose one of this customer's products."), "asset_id")
    serial = (serial or "").strip()
    if not serial:
        if new.model_id is not None:
            _refuse(_("Enter the serial number of the product to register."), "serial")
        return None
    found = assets.by_serial(serial)
    if found is not None:
        return found
    if new.model_id is None:
        _refuse(_("No product has serial number %(serial)s. Choose its model and sale date below to register it "
                  "with this request, or leave the serial empty.", serial=serial), "serial")
    model = catalog.get_model(new.model_id) or _refuse(_("That model no longer exists."), "new_model_id")
    if new.sales_date is None:
        _refuse(_("Enter the date it was sold, like 2026-03-31 (the warranty counts from it)."), "new_sales_date")
    return assets.register(model, customer, serial, new.sales_date, None, None, None, by)


def _refuse(message: str, field: str):
    raise DomainError(message, field, "invalid")
