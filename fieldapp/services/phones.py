"""Phone numbers as the world writes them (phonenumbers): checked where they are typed and kept in
E.164 (+31612345678), read with the company's country as the region of a number typed without +."""
from __future__ import annotations

import phonenumbers
from flask_babel import gettext as _

from fieldapp.domain import DomainError
from fieldapp.services import settings

TEXTABLE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(raw: str, region: str | None = None):
    """`region`: the company's country, when the caller has read it already (a list of numbers);
    a number written with its + needs none."""
    if not raw.lstrip().startswith("+"):
        region = region or settings.current().country or None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalized(raw: str | None, field: str = "phone") -> str | None:
    """The number in E.164, None for nothing typed; a number no country has is refused at `field`."""
    raw = (raw or "").strip()
    if not raw:
        return None
    number = _parse(raw)
    if number is None:
        raise DomainError(_("%(number)s is not a phone number we can call. Write it with the country code, like "
                            "+31 6 12345678, or as dialled in %(country)s.", number=raw,
                            country=settings.current().country), field, "invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def textable(stored: str | None) -> str | None:
    """The number in E.164 when it can receive a text message (a mobile number), else None. Old
    numbers typed before they were checked are read the same way."""
    number = _parse(stored or "") if stored else None
    if number is None or phonenumbers.number_type(number) not in TEXTABLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def readable(stored: str | None, region: str | None = None) -> str:
    """A stored number as people read it: international format (+31 6 12345678)."""
    number = _parse(stored, region) if stored else None
    if number is None:
        return stored or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
