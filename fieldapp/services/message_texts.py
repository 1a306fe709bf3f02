"""What each message to customers says: the built-in text per kind (translated like every other
string), the admin's own version per language where they wrote one (MessageTemplate), and the
{placeholders} both are filled with.

A placeholder is a name in braces, filled by plain substitution: nothing else in a template is
code, so an admin's text can never reach into the app (str.format would follow {x.__class__})."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import MessageTemplate

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_OWN = "fieldapp.message_texts.own"  # session.info: the admin's templates, by (kind, language)
TEXT_MAX = 480  # three text-message segments; a longer text is refused where it is written


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    when: object  # when it goes, in the admin's words
    subject: object
    body: object
    text: object
    placeholders: tuple[str, ...]
    essential: bool = True  # non-essential ones carry an unsubscribe link and stop after one

    def placeholder_names(self) -> tuple[str, ...]:
        common = ("customer", "company", "case", "status_link")
        return common + self.placeholders + (() if self.essential else ("unsubscribe_link",))


PLACEHOLDER_HELP = {
    "customer": _l("the customer's name"),
    "company": _l("your company's name"),
    "case": _l("the case reference"),
    "status_link": _l("the link to the request's status page"),
    "product": _l("the product"),
    "date": _l("the visit's day"),
    "window": _l("the arrival window"),
    "technician": _l("the technician's first name"),
    "answer_link": _l("the link to confirm, move or cancel the visit"),
    "arrival": _l("the expected arrival time"),
    "done": _l("what was done, in a sentence"),
    "survey_link": _l("the link to the survey"),
    "unsubscribe_link": _l("the link to stop these messages"),
}

KINDS: dict[str, Kind] = {kind.key: kind for kind in (
    Kind("request_received", _l("Request received"), _l("when a request comes in with an email or mobile number"),
         _l("We have your request {case}"),
         _l("Hello {customer},\n\nThank you for contacting {company}. We have your request about your {product}; "
            "its reference is {case}.\n\nWe will contact you soon. You can follow your request here:\n"
            "{status_link}\n\n{company}"),
         _l("{company}: we have your request {case}. Follow it here: {status_link}"),
         ("product",)),
    Kind("visit_booked", _l("Visit booked"), _l("when a visit is booked"),
         _l("Your visit on {date}, {window}"),
         _l("Hello {customer},\n\nWe have booked a visit for your {product}:\n\n{date}, arrival {window}\n"
            "Technician: {technician}\n\nPlease make sure someone is at home and the product can be reached. "
            "Have the product's receipt or warranty card at hand.\n\nConfirm this time, choose another one or "
            "cancel:\n{answer_link}\n\nThe calendar file attached puts the visit in your calendar.\n\n"
            "Follow your request: {status_link}\n\n{company}"),
         _l("{company}: visit on {date}, {window}, with {technician}. Confirm, move or cancel: {answer_link}"),
         ("product", "date", "window", "technician", "answer_link")),
    Kind("visit_moved", _l("Visit moved"), _l("when a visit's time changes (by the office or the customer)"),
         _l("Your visit has moved: {date}, {window}"),
         _l("Hello {customer},\n\nYour visit for your {product} has moved. The new time:\n\n{date}, arrival "
            "{window}\nTechnician: {technician}\n\nConfirm this time, choose another one or cancel:\n{answer_link}\n\n"
            "The calendar file attached updates the visit in your calendar.\n\n{company}"),
         _l("{company}: your visit has moved to {date}, {window}. Confirm, move or cancel: {answer_link}"),
         ("product", "date", "window", "technician", "answer_link")),
    Kind("visit_cancelled", _l("Visit cancelled"), _l("when a visit is cancelled (by the office or the customer)"),
         _l("Your visit on {date} is cancelled"),
         _l("Hello {customer},\n\nThe visit for your {product} on {date}, {window} is cancelled.\n\n"
            "The calendar file attached removes it from your calendar. Follow your request:\n{status_link}\n\n"
            "{company}"),
         _l("{company}: the visit on {date}, {window} is cancelled. {status_link}"),
         ("product", "date", "window")),
    Kind("reminder", _l("Reminder"), _l("the set number of hours before the arrival window"),
         _l("Reminder: your visit on {date}, {window}"),
         _l("Hello {customer},\n\nA reminder: {technician} visits you for your {product} on {date}, arrival "
            "{window}.\n\nConfirm, choose another time or cancel:\n{answer_link}\n\n{company}\n\n"
            "No more reminders and surveys: {unsubscribe_link}"),
         _l("{company}: reminder, visit on {date}, {window}. Confirm, move or cancel: {answer_link}"),
         ("product", "date", "window", "technician", "answer_link"), essential=False),
    Kind("on_my_way", _l("On my way"), _l("when the technician starts travelling to the customer"),
         _l("{technician} is on the way, arriving around {arrival}"),
         _l("Hello {customer},\n\n{technician} is on the way to you and expects to arrive around {arrival}.\n\n"
            "Follow the visit: {status_link}\n\n{company}"),
         _l("{company}: {technician} is on the way, arriving around {arrival}. {status_link}"),
         ("technician", "arrival")),
    Kind("visit_done", _l("Visit done"), _l("when the technician completes the visit"),
         _l("Your visit is done: {case}"),
         _l("Hello {customer},\n\n{technician} has finished the visit for your {product}.\n\n{done}\n\n"
            "Follow your request: {status_link}\n\n{company}\n\nNo more reminders and surveys: {unsubscribe_link}"),
         _l("{company}: the visit is done. {done} {status_link}"),
         ("product", "technician", "done"), essential=False),
    Kind("survey", _l("Satisfaction survey"), _l("the set number of days after a completed visit"),
         _l("How did we do? {case}"),
         _l("Hello {customer},\n\n{technician} visited you for your {product} on {date}. How did we do? "
            "It takes a minute:\n{survey_link}\n\nThank you,\n{company}\n\n"
            "No more reminders and surveys: {unsubscribe_link}"),
         _l("{company}: how did we do on {date}? Rate the visit: {survey_link}"),
         ("product", "date", "technician", "survey_link"), essential=False),
)}


@dataclass(frozen=True)
class Written:
    subject: str
    body: str
    text: str


def template_for(kind: str, language: str) -> Written:
    """The words of a kind in a language, before filling: the admin's, else the built-in (which
    the caller renders in that language)."""
    own = db.session.info.get(_OWN)
    if own is None:  # the admin's templates, read once per session (a cron run writes hundreds)
        own = db.session.info[_OWN] = {(row.kind, row.language): Written(row.subject, row.body, row.text)
                                       for row in db.session.scalars(select(MessageTemplate))}
    if (kind, language) in own:
        return own[(kind, language)]
    built_in = KINDS[kind]
    return Written(str(built_in.subject), str(built_in.body), str(built_in.text))


def forget_own() -> None:
    """The admin changed a template: read them again."""
    db.session.info.pop(_OWN, None)


def fill(words: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), words)


def render(kind: str, language: str, values: dict[str, str]) -> Written:
    words = template_for(kind, language)
    return Written(" ".join(fill(words.subject, values).split()), fill(words.body, values),
                   " ".join(fill(words.text, values).split()))


def check(kind: str, subject: str, body: str, text: str) -> None:
    """Refuse a template with a placeholder this kind does not have (named, with the field)."""
    from flask_babel import gettext as _
    allowed = set(KINDS[kind].placeholder_names())
    for field, words in (("subject", subject), ("body", body), ("text", text)):
        unknown = sorted(set(PLACEHOLDER.findall(words or "")) - allowed)
        if unknown:
            raise DomainError(_("This message has no {%(name)s}. It can use: %(names)s.", name=unknown[0],
                                names=", ".join("{%s}" % n for n in KINDS[kind].placeholder_names())),
                              field, "invalid")
    if len(text) > TEXT_MAX:
        raise DomainError(_("Keep the text message to %(num)s characters (with the links it grows).", num=TEXT_MAX),
                          "text", "invalid")
