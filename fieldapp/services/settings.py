"""The company's settings and service targets, with defaults until the office changes them."""
from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import list_currencies
from flask_babel import gettext as _

from fieldapp import languages
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import CompanySettings, Priority, ServiceTarget
from fieldapp.services import audit

SETTINGS_ID = 1

# Elapsed hours (paused while waiting for the customer): first response, then resolution.
DEFAULT_TARGETS = {
    Priority.URGENT: (2, 24),
    Priority.HIGH: (4, 48),
    Priority.NORMAL: (8, 120),
    Priority.LOW: (24, 240),
}


@dataclass(frozen=True)
class Target:
    response_hours: int
    resolution_hours: int


def current() -> CompanySettings:
    """The settings row, or an unsaved one holding the defaults (a read never writes)."""
    row = db.session.get(CompanySettings, SETTINGS_ID)
    if row is None:
        row = CompanySettings(id=SETTINGS_ID, satisfaction_call_days=None, maintenance_horizon_weeks=8,
                              renewal_notice_days=30, email_report_on_close=False,
                              language="en", currency="EUR", messages_off="", reminder_hours=24, survey_days=2,
                              survey_valid_days=30, reschedule_days=14, reschedule_cutoff_hours=24, country="NL")
    return row


def editable() -> CompanySettings:
    """The settings row to change, added to the session when it did not exist yet."""
    row = current()
    if row not in db.session:
        db.session.add(row)
    return row


def targets() -> dict[Priority, Target]:
    """The company's targets for every priority, defaults where none is saved."""
    saved = {t.priority: Target(t.response_hours, t.resolution_hours) for t in db.session.scalars(db.select(ServiceTarget))}
    return {p: saved.get(p) or Target(*DEFAULT_TARGETS[p]) for p in Priority}


def set_target(priority: Priority, response_hours: int, resolution_hours: int) -> None:
    row = db.session.scalar(db.select(ServiceTarget).where(ServiceTarget.priority == priority))
    if row is None:
        row = ServiceTarget(priority=priority)
        db.session.add(row)
    row.response_hours = response_hours
    row.resolution_hours = resolution_hours


def save(satisfaction_call_days: int | None, maintenance_horizon_weeks: int, renewal_notice_days: int,
         email_report_on_close: bool, targets_by_priority: dict[Priority, Target], by,
         language: str | None = None, currency: str | None = None, return_policy: str | None = None) -> CompanySettings:
    """The admin's settings page, saved as one change (recorded with the targets). `language`
    and `currency` (ISO 4217) are the company's defaults; None keeps them. Once committed, the
    caller makes this process forget the defaults it kept (languages.forget_company_defaults)."""
    row = editable()
    if language is not None:
        if languages.valid(language) is None:
            raise DomainError(_("Choose one of the languages in the list."), "language", "invalid")
        row.language = language
    if currency is not None:
        currency = currency.strip().upper()
        if currency not in list_currencies():
            raise DomainError(_("%(code)s is not a currency code. Enter the three-letter ISO 4217 code of the "
                                "company's currency, like EUR, USD or GBP.", code=currency), "currency", "invalid")
        row.currency = currency
    row.satisfaction_call_days = satisfaction_call_days
    row.maintenance_horizon_weeks = maintenance_horizon_weeks
    row.renewal_notice_days = renewal_notice_days
    row.email_report_on_close = email_report_on_close
    row.return_policy = return_policy
    for priority, target in targets_by_priority.items():
        set_target(priority, target.response_hours, target.resolution_hours)
    audit.record("settings.changed", row, {"targets": {
        p.value: [t.response_hours, t.resolution_hours] for p, t in targets_by_priority.items()},
        "language": row.language, "currency": row.currency}, user=by)
    return row
