"""“Follow your request” on a product's QR page: whoever gives the email address or phone number
on an open request of that product (the request's contact, or the customer's) gets its status
page. Every miss reads the same, so the form never tells whether the product has a request, or
whose: no other data is tried, and a closed request is never offered."""
from __future__ import annotations

from flask_babel import gettext as _

from fieldapp.domain import DomainError
from fieldapp.models import Asset, Case, CustomerLink
from fieldapp.services import audit, customer_links, intake, phones


def _email(text: str | None) -> str | None:
    text = (text or "").strip()
    return text.casefold() if "@" in text else None


def _number(text: str | None) -> str | None:
    """A number as dialled in the company's country or with its country code, in E.164."""
    try:
        return phones.normalized(text, "contact")
    except DomainError:  # not a number any country has: nothing to compare
        return None


def _contacts(case: Case) -> set[str]:
    customer = case.customer
    emails = [case.contact_email, customer.email if customer is not None else None]
    numbers = [case.contact_phone, customer.phone if customer is not None else None]
    return ({f"email:{e}" for e in map(_email, emails) if e}
            | {f"phone:{n}" for n in map(_number, filter(None, numbers)) if n})


def open_case_for(asset: Asset, contact: str) -> Case | None:
    """The newest open case of the product whose contact or customer has this email address
    (in any case) or phone number (written any way); None if none has."""
    email = _email(contact)
    wanted = f"email:{email}" if email else (f"phone:{number}" if (number := _number(contact)) else None)
    if wanted is None:
        return None
    newest_first = sorted(intake.open_cases_for(asset), key=lambda c: (c.created_at, c.id), reverse=True)
    return next((case for case in newest_first if wanted in _contacts(case)), None)


def not_found() -> DomainError:
    return DomainError(_("We found no open request for this product with that email address or phone number."),
                       "contact", "invalid")


def status_link(asset: Asset, contact: str) -> CustomerLink:
    """The status page's link of the open case this contact proves theirs; refused, the same
    way for any miss, at the form's "contact"."""
    case = open_case_for(asset, contact)
    if case is None:
        raise not_found()
    link = customer_links.for_status(case)
    audit.record("case.followed_from_label", case, {"asset": asset.id})
    return link
