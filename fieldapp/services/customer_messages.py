"""The admin's side of keeping the customer informed (services/notify.py sends): which messages
go and when (company settings), the words of each message per language (MessageTemplate rows
over the built-in texts of services/message_texts.py), and a preview of a message filled for a
real case, which writes nothing."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp import database, languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Case,
    CompanySettings,
    MessageTemplate,
    User,
    Visit,
    VisitStatus,
)
from fieldapp.services import audit, customer_links, message_texts, notify, settings
from fieldapp.services.message_texts import KINDS, PLACEHOLDER, Written
from fieldapp.transports import texts

# The timing settings and their bounds (the schema's checks; the form offers the same).
LIMITS = {"reminder_hours": (1, 168), "survey_days": (0, 60), "survey_valid_days": (1, 365),
          "reschedule_days": (1, 90), "reschedule_cutoff_hours": (0, 168)}
AFTER_THE_VISIT = {"visit_done", "survey"}  # filled from a completed visit


@dataclass(frozen=True)
class Gateway:
    """Where text messages go: the URLs saved in the settings, SMS_URL from the server's
    environment, or the console (none: printed, not sent). `schemes` names the services only
    (twilio, json...), never the accounts and tokens the URLs hold."""

    source: str  # "settings", "environment" or "console"
    schemes: tuple[str, ...]


def gateway_in_use(config, row: CompanySettings) -> Gateway:
    urls, from_settings = texts.gateway_urls(config, row.sms_url)
    schemes = tuple(sorted({url.partition("://")[0].lower() for url in urls if "://" in url}))
    return Gateway("settings" if from_settings else "environment" if urls else "console", schemes)


def save_settings(on: Iterable[str], timing: dict[str, int], country: str, sms_url: str | None,
                  by: User) -> CompanySettings:
    """The messages that go (every kind not in `on` is switched off), when reminders and surveys go
    and how far ahead and how late a customer may move a visit (`timing`, by LIMITS' names), the
    company's country (ISO 3166, the region of phone numbers typed without +) and the text
    gateway's Apprise URLs (space separated; empty: SMS_URL from the environment). All or nothing."""
    on = set(on)
    if not on <= KINDS.keys():
        raise DomainError(_("Choose messages from the list."), "on", "invalid")
    for name, (low, high) in LIMITS.items():
        value = timing.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            raise DomainError(_("Between %(low)s and %(high)s hours.", low=low, high=high) if name.endswith("_hours")
                              else _("Between %(low)s and %(high)s days.", low=low, high=high), name, "invalid")
    country = (country or "").strip().upper()
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise DomainError(_("%(code)s is not a country code. Enter the two-letter ISO 3166 code of the company's "
                            "country, like NL, DE or GB.", code=country), "country", "invalid")
    urls = (sms_url or "").split()
    for url in urls:
        problem = texts.public_gateway(url)
        if problem:
            raise DomainError(problem, "sms_url", "invalid")
    row = settings.editable()
    row.messages_off = " ".join(kind for kind in KINDS if kind not in on)
    for name in LIMITS:
        setattr(row, name, timing[name])
    row.country = country
    row.sms_url = " ".join(urls) or None
    # The gateway's URLs hold its account and token: the trail says only that there are some.
    audit.record("settings.messages_changed", row, {
        "off": row.messages_off.split(), **{name: timing[name] for name in LIMITS}, "country": country,
        "own_gateway": bool(urls)}, user=by)
    return row


# --- The words, per kind and language --------------------------------------------------------------------

def known(kind: str, language: str) -> bool:
    return kind in KINDS and languages.valid(language) is not None


def own(kind: str, language: str) -> MessageTemplate | None:
    """The admin's version of a message in a language, if they wrote one."""
    return db.session.scalar(select(MessageTemplate).where(MessageTemplate.kind == kind,
                                                           MessageTemplate.language == language))


def rewritten() -> set[tuple[str, str]]:
    """(kind, language) of every message the admin rewrote."""
    return {(kind, language) for kind, language in db.session.execute(
        select(MessageTemplate.kind, MessageTemplate.language))}


def words(kind: str, language: str) -> Written:
    """The words as they go now: the admin's, else the built-in text in that language."""
    with languages.speaking(language):
        return message_texts.template_for(kind, language)


def save_template(kind: str, language: str, subject: str, body: str, text: str, by: User) -> MessageTemplate:
    """The admin's words for a message in a language; a placeholder the message has no value for
    is refused at its field (message_texts.check)."""
    if not known(kind, language):
        raise DomainError(_("There is no such message."), None, "not_found")
    message_texts.check(kind, subject, body, text)
    row = own(kind, language)
    try:
        with db.session.begin_nested():
            if row is None:
                row = MessageTemplate(kind=kind, language=language)
                db.session.add(row)
            row.subject, row.body, row.text, row.updated_by_id = subject, body, text, by.id
            db.session.flush()
    except IntegrityError:  # another admin saved this message a moment ago
        raise DomainError(_("This message was saved by someone else meanwhile: reload the page and save again."),
                          None, "conflict") from None
    audit.record("message_template.saved", row, {"kind": kind, "language": language}, user=by)
    message_texts.forget_own()
    return row


def back_to_built_in(kind: str, language: str, by: User) -> None:
    """The built-in text again: the admin's version of it is deleted (nothing to do without one)."""
    if not known(kind, language):
        raise DomainError(_("There is no such message."), None, "not_found")
    row = own(kind, language)
    if row is None:
        return
    audit.record("message_template.reset", row, {"kind": kind, "language": language}, user=by)
    db.session.delete(row)
    message_texts.forget_own()


# --- A message filled for a real case ---------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    case: Case
    visit: Visit | None
    words: Written
    unfilled: tuple[str, ...]  # placeholders this case has no value for (no visit, say)


def case_to_preview(number: str | None) -> Case | None:
    """The case with this number, or without one the case of the most recently made visit."""
    if number:
        return db.session.scalar(select(Case).where(Case.number.in_({number, number.upper()})))
    return db.session.scalar(select(Case).join(Visit, Visit.case_id == Case.id).order_by(Visit.id.desc()).limit(1))


def _visit_for(kind: str, case: Case) -> Visit | None:
    """The visit a message of this kind would be about: the last completed one for "visit done"
    and the survey; the last cancelled one for a cancellation; else the last one still planned,
    or the last one."""
    visits = case.visits
    if kind in AFTER_THE_VISIT:
        done = [v for v in visits if v.status is VisitStatus.COMPLETED and v.completed_at is not None]
        return done[-1] if done else None
    wanted = VisitStatus.CANCELLED if kind == "visit_cancelled" else VisitStatus.SCHEDULED
    return ([v for v in visits if v.status is wanted] or visits or [None])[-1]


def preview(kind: str, language: str, case: Case) -> Preview:
    """The message as `case`'s customer would read it in `language`. Filling it issues the links
    it carries (status page, visit, survey, unsubscribe): that is done in a savepoint rolled back
    before returning, so nothing of it stays in the database."""
    visit = _visit_for(kind, case)
    # A page (GET) that writes, if only to roll back: on SQLite the write lock is taken up front,
    # or a write committed meanwhile by someone else would fail this one.
    db.session.commit()
    database.writes_from_here()
    savepoint = db.session.begin_nested()
    try:
        with languages.speaking(language):
            values = notify._values(kind, case, visit)
            if not KINDS[kind].essential:
                found = notify.recipients(case)
                address = found[0].address if found else (case.contact_email or "")
                values["unsubscribe_link"] = customer_links.url(customer_links.for_unsubscribe(address, case))
            written = message_texts.template_for(kind, language)
            filled = message_texts.render(kind, language, values)
    finally:
        savepoint.rollback()
        db.session.rollback()
        database.reads_again()
    used = {name for words_ in (written.subject, written.body, written.text) for name in PLACEHOLDER.findall(words_)}
    return Preview(case, visit, filled, tuple(sorted(used - values.keys())))
