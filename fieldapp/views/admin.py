"""Administration: staff accounts and the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.auth import roles
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.admin import UserActiveForm, UserCreateForm, UserPasswordForm, UserRoleForm
from fieldapp.models import AuditEvent, Role, User
from fieldapp.params import page_arg
from fieldapp.htmx import see_other
from fieldapp.services import accounts, sessions
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _users_page(UserCreateForm())


@bp.post("/users")
@roles(Role.ADMIN)
def create_user():
    form = UserCreateForm()

    def apply():
        return accounts.create_user(form.email.data, form.name.data, Role(form.role.data), form.password.data,
                                    form.phone.data, created_by=current_user)

    def done(user):
        flash(f"{user.name} can now sign in as {user.role.label.lower()}.", "success")
        return see_other(url_for("admin.index"))

    return perform(form, apply, done, lambda refusal: _users_page(form, refusal.status))


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def set_active(user_id: int):
    user = _user(user_id)
    form = UserActiveForm()

    def done(_):
        flash(f"{user.name} is now {'active' if user.active else 'deactivated'}.", "success")
        return see_other(url_for("admin.index"))

    def refused(refusal: Refusal):
        flash(refusal.message, "error")
        return _users_page(UserCreateForm(formdata=None), refusal.status)

    return perform(form, lambda: accounts.set_active(user, bool(form.active.data), by=current_user), done, refused)


@bp.get("/users/<int:user_id>")
@roles(Role.ADMIN)
def user(user_id: int):
    return _user_page(_user(user_id))


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _user_page(account: User, status: int = 200, role_form: UserRoleForm | None = None,
               password_form: UserPasswordForm | None = None):
    return render_template(
        "admin/user.html", account=account, open_sessions=sessions.counts().get(account.id, 0),
        role_form=role_form or UserRoleForm(formdata=None, role=account.role.value),
        password_form=password_form or UserPasswordForm(formdata=None), action_form=ActionForm(formdata=None),
    ), status


@bp.post("/users/<int:user_id>/role")
@roles(Role.ADMIN)
def set_role(user_id: int):
    account = _user(user_id)
    form = UserRoleForm()

    def done(_):
        flash(f"{account.name} is now {account.role.label.lower()}; their open sessions were ended.", "success")
        return see_other(url_for("admin.user", user_id=user_id))

    return perform(form, lambda: accounts.set_role(account, Role(form.role.data), by=current_user), done,
                   lambda refusal: _user_page(account, refusal.status, role_form=form))


@bp.post("/users/<int:user_id>/password")
@roles(Role.ADMIN)
def reset_password(user_id: int):
    account = _user(user_id)
    form = UserPasswordForm()

    def done(_):
        flash(f"New password set for {account.name}; their open sessions were ended.", "success")
        return see_other(url_for("admin.user", user_id=user_id))

    return perform(form, lambda: accounts.reset_password(account, form.password.data, by=current_user), done,
                   lambda refusal: _user_page(account, refusal.status, password_form=form))


@bp.post("/users/<int:user_id>/sessions/end")
@roles(Role.ADMIN)
def end_sessions(user_id: int):
    account = _user(user_id)
    me = current_user._get_current_object()

    def done(ended):
        flash(f"{ended} session(s) of {account.name} ended: they must sign in again.", "success")
        if account.id == me.id:
            return see_other(url_for("auth.login"))
        return see_other(url_for("admin.user", user_id=user_id))

    return perform(ActionForm(), lambda: accounts.end_sessions(account, by=me), done,
                   lambda refusal: _user_page(account, refusal.status))


@bp.get("/audit")
@roles(Role.ADMIN)
def audit_log():
    page = page_arg()
    total = db.session.scalar(select(func.count(AuditEvent.id)))
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE)
    ).all()
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    return render_template("admin/audit.html", events=events, page=page, pages=pages, total=total)


def _users_page(form: UserCreateForm, status: int = 200):
    users = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("admin/index.html", users=users, form=form, active_form=UserActiveForm,
                           open_sessions=sessions.counts()), status
