"""How a customer wants to hear from us (customer.contact_by) and their consent to it: when and
how they agreed (consent_at, consent_how), as the office records it.

What an office expects of the record:
- the date is the moment the office records the choice, never typed;
- switching messages on, or adding a channel (text besides email, say), needs how the customer
  agreed ("By phone", "Signed the intake form"): without it the change is refused;
- switching a channel off never needs consent: the consent recorded still covers what is left;
- how, typed without changing the channels, records the consent again (confirmed today);
- every change is an audit event, with who made it.

Also which of the customer's addresses unsubscribed from the non-essential messages (reminders,
surveys) through a message's link (OptedOut: stored as the message was sent, E.164 for a number)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import ContactBy, Customer, OptedOut, User
from fieldapp.orm import utcnow
from fieldapp.services import audit, phones

HOW_MAX = 200


def _how(how: str | None, field: str) -> str | None:
    how = (how or "").strip()
    if len(how) > HOW_MAX:
        raise DomainError(_("Say it in at most %(num)s characters.", num=HOW_MAX), field, "invalid")
    return how or None


def start(customer: Customer, contact_by: ContactBy | None, how: str | None, field: str = "consent_how") -> None:
    """A new customer's channels (both unless chosen) and, when the office says how they agreed,
    their consent as of now."""
    how = _how(how, field)
    customer.contact_by = contact_by or ContactBy.BOTH
    customer.consent_at, customer.consent_how = (utcnow(), how) if how else (None, None)


def adds_a_channel(before: ContactBy, after: ContactBy) -> bool:
    return (after.email and not before.email) or (after.text and not before.text)


def choose(customer: Customer, contact_by: ContactBy | None, how: str | None, by: User | None,
           field: str = "consent_how") -> bool:
    """Record the customer's choice (None: the channels stay as they are); True if anything
    changed. See the module's docstring for when consent is needed and when it is stamped."""
    how = _how(how, field)
    before = customer.contact_by or ContactBy.BOTH
    after = contact_by or before
    if after is before and how is None:
        return False
    if how is None and adds_a_channel(before, after):
        raise DomainError(_("Say how the customer agreed to this, like “By phone” or “Signed the intake form”."),
                          field, "invalid")
    customer.contact_by = after
    if how is not None:
        customer.consent_at, customer.consent_how = utcnow(), how
    audit.record("customer.contact_preferences", customer,
                 {"from": before.value, "to": after.value, "consent": how}, user=by)
    return True


def opted_out(customer: Customer) -> list[OptedOut]:
    """The customer's email address and mobile number, where either unsubscribed from the
    non-essential messages (an address in any case: it was kept as the message was sent)."""
    email = (customer.email or "").strip().lower()
    number = phones.textable(customer.phone)
    conditions = ([func.lower(OptedOut.address) == email] if email else []) + (
        [OptedOut.address == number] if number else [])
    if not conditions:
        return []
    return list(db.session.scalars(select(OptedOut).where(or_(*conditions)).order_by(OptedOut.at)))


def gaps(customer: Customer) -> list[str]:
    """What keeps a chosen channel from reaching the customer, in words for the office."""
    found = []
    prefs = customer.contact_by or ContactBy.BOTH
    if prefs.email and not (customer.email or "").strip():
        found.append(_("No email address: no emails can be sent."))
    if prefs.text and phones.textable(customer.phone) is None:
        found.append(_("No mobile number: no text messages can be sent.") if not customer.phone else
                     _("The phone number is not a mobile number: no text messages can be sent."))
    return found
