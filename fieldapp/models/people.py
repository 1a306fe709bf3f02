"""Staff users, customers, and the record of failed sign-ins used for throttling."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.extensions import db
from fieldapp.models import search
from fieldapp.models.messaging import ContactBy
from fieldapp.orm import LabelledEnum, enum_column, utcnow

if TYPE_CHECKING:
    from fieldapp.models.assets import Asset
    from fieldapp.models.agreements import ServiceAgreement


class Role(LabelledEnum):
    TECHNICIAN = "technician", _l("Technician")
    DISPATCHER = "dispatcher", _l("Dispatcher")
    ADMIN = "admin", _l("Admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    # What the report calls the person ("Installation technician"); the role when not given.
    job_title: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[Role] = enum_column(Role)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # A short PIN the technician sets to take the phone back from a customer (hashed).
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # The PIN as the phone checks it without signal (PBKDF2-SHA256, services/accounts.py): a
    # PIN is a short secret for the minutes a customer holds the phone, never the password.
    pin_verifier: Mapped[str | None] = mapped_column(String(200))
    # The language of the pages; empty: the company's (fieldapp/languages.py).
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the technician's phone last reached the server to send queued changes or refresh its
    # offline copy (the dispatcher sees it on the board).
    last_sync_at: Mapped[datetime | None]

    # The product categories a technician is qualified for (process step 5, the expertise a
    # visit needs): the booking form and the board list the qualified first.
    skills: Mapped[list[TechnicianSkill]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TechnicianSkill.category")

    # Not a column: the sign-in session this object was loaded for (see services.sessions).
    # Flask-Login keeps get_id() in the session cookie, so the cookie names a session row that
    # the server can end, never the user id alone.
    session_token = None  # str | None; a plain attribute, not mapped
    handover_visit_id = None  # int | None: the session's hand-over lock (services.sessions.load)

    def get_id(self) -> str | None:
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_pin(self, pin: str | None) -> None:
        self.pin_hash = generate_password_hash(pin) if pin else None

    def check_pin(self, pin: str) -> bool:
        return self.pin_hash is not None and check_password_hash(self.pin_hash, pin)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def is_qualified_for(self, category: str) -> bool:
        """A skill for the product category, spelt in any case ("heating" is "Heating")."""
        wanted = category.casefold()
        return any(skill.category.casefold() == wanted for skill in self.skills)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class TechnicianSkill(db.Model):
    """One product category (ProductModel.category, as the catalog spells it) a technician is
    qualified for."""

    __tablename__ = "technician_skills"
    __table_args__ = (UniqueConstraint("user_id", "category", name="uq_technician_skills_user_id_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(60))

    user: Mapped[User] = relationship(back_populates="skills")


class Customer(db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    # The language mails, texts and the report PDF are written in; empty: the company's.
    language: Mapped[str | None] = mapped_column(String(16))
    # Where messages about requests and visits go (phone: a mobile number, E.164), and the
    # customer's consent to them: when and how it was given.
    contact_by: Mapped[ContactBy] = enum_column(ContactBy, default=ContactBy.BOTH, server_default="both")
    consent_at: Mapped[datetime | None]
    consent_how: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Name, email, address and phone as the search looks for them (fieldapp/models/search.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    assets: Mapped[list[Asset]] = relationship(back_populates="customer")
    agreements: Mapped[list[ServiceAgreement]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="ServiceAgreement.starts_on")

    def __repr__(self) -> str:
        return f"<Customer {self.name}>"


search.install(Customer.__table__, Customer)


class FailedLogin(db.Model):
    """One failed sign-in: counted per email and per client address to throttle guessing."""

    __tablename__ = "failed_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class UserSession(db.Model):
    """One signed-in browser. Signing out deletes it; a password change, role change or
    deactivation deletes all of the user's rows, so a copied cookie stops working at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # sha256 of the token in the cookie: a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    client: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # The hand-over lock: while set, this browser answers only the visit's rating and unlock
    # screens. Kept here, not in the cookie: an older copy of the cookie cannot undo it, nor
    # reset the wrong answers counted against it.
    handover_visit_id: Mapped[int | None]
    handover_failures: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()
