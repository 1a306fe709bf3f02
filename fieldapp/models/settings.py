"""Company settings the office changes without a restart: service targets and after-visit habits."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.models.cases import Priority
from fieldapp.orm import enum_column


class CompanySettings(db.Model):
    """One row (id 1); services.settings.current() creates it with the defaults."""

    __tablename__ = "company_settings"
    __table_args__ = (
        CheckConstraint("satisfaction_call_days IS NULL OR satisfaction_call_days BETWEEN 1 AND 365",
                        name="satisfaction_call_days_range"),
        CheckConstraint("maintenance_horizon_weeks BETWEEN 1 AND 52", name="maintenance_horizon_range"),
        CheckConstraint("renewal_notice_days BETWEEN 1 AND 365", name="renewal_notice_range"),
        CheckConstraint("reminder_hours BETWEEN 1 AND 168", name="reminder_hours_range"),
        CheckConstraint("survey_days BETWEEN 0 AND 60", name="survey_days_range"),
        CheckConstraint("survey_valid_days BETWEEN 1 AND 365", name="survey_valid_days_range"),
        CheckConstraint("reschedule_days BETWEEN 1 AND 90", name="reschedule_days_range"),
        CheckConstraint("reschedule_cutoff_hours BETWEEN 0 AND 168", name="reschedule_cutoff_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A satisfaction call this many days after each completed visit; empty: none.
    satisfaction_call_days: Mapped[int | None]
    # How far ahead the maintenance planner proposes visits.
    maintenance_horizon_weeks: Mapped[int] = mapped_column(default=8)
    # How long before coverage ends it is listed for a renewal call.
    renewal_notice_days: Mapped[int] = mapped_column(default=30)
    # Email the After-Sale Services Report to the customer when a case is closed.
    email_report_on_close: Mapped[bool] = mapped_column(default=False)
    # Pages, mails and PDFs speak this unless a person chose another (fieldapp/languages.py).
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    # ISO 4217: money is shown in it, formatted per language (fieldapp/formats.py).
    currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")
    # The company's return policy in its own words, on the web request form and in reports (each
    # model adds its return window and conditions).
    return_policy: Mapped[str | None] = mapped_column(Text)
    # Keeping the customer informed (services.notify): the messages switched off (kinds, space
    # separated), when reminders and surveys go, how far ahead and how late a customer may move
    # a visit, and the company's country (the region of phone numbers typed without +).
    messages_off: Mapped[str] = mapped_column(String(300), default="", server_default="")
    reminder_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    survey_days: Mapped[int] = mapped_column(default=2, server_default="2")
    survey_valid_days: Mapped[int] = mapped_column(default=30, server_default="30")
    reschedule_days: Mapped[int] = mapped_column(default=14, server_default="14")
    reschedule_cutoff_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    country: Mapped[str] = mapped_column(String(2), default="NL", server_default="NL")
    # Apprise URLs for text messages, space separated; empty: SMS_URL from the environment.
    sms_url: Mapped[str | None] = mapped_column(Text)


class ServiceTarget(db.Model):
    """Response and resolution targets for one priority (elapsed hours, paused while waiting
    for the customer)."""

    __tablename__ = "service_targets"
    __table_args__ = (
        CheckConstraint("response_hours > 0", name="response_hours_positive"),
        CheckConstraint("resolution_hours >= response_hours", name="resolution_after_response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[Priority] = enum_column(Priority, unique=True)
    response_hours: Mapped[int]
    resolution_hours: Mapped[int]


class DashboardSnapshot(db.Model):
    """The Reports page for a period, computed ahead (`flask refresh-reports`, from cron): at a
    million visits its figures cost seconds, so the page shows this while it is fresh."""

    __tablename__ = "dashboard_snapshots"

    first_day: Mapped[date] = mapped_column(primary_key=True)
    last_day: Mapped[date] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime]
    good_until: Mapped[datetime]  # shown until then (a longer period is computed less often)
    data: Mapped[str] = mapped_column(Text)  # JSON (services/dashboard_cache.py)
