"""Administration: staff accounts and the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.auth import roles
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.admin import UserActiveForm, UserCreateForm, UserPasswordForm, UserRoleForm
from fieldapp.models import AuditEvent, Role, User
from fieldapp.params import page_arg
from fieldapp.services import accounts, sessions

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
    if not form.validate_on_submit():
        return _users_page(form, 422)
    try:
        user = accounts.create_user(form.email.data, form.name.data, Role(form.role.data), form.password.data,
                                    form.phone.data, created_by=current_user)
    except accounts.AccountError as error:
        getattr(form, error.field).errors.append(str(error))
        return _users_page(form, 422)
    db.session.commit()
    flash(f"{user.name} can now sign in as {user.role.label.lower()}.", "success")
    return redirect(url_for("admin.index"), code=303)


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def set_active(user_id: int):
    user = _user(user_id)
    form = UserActiveForm()
    try:
        accounts.set_active(user, bool(form.active.data), by=current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return _users_page(UserCreateForm(formdata=None), 409)
    db.session.commit()
    flash(f"{user.name} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.index"), code=303)


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
    if not form.validate_on_submit():
        return _user_page(account, 422, role_form=form)
    try:
        accounts.set_role(account, Role(form.role.data), by=current_user)
    except accounts.AccountError as error:
        form.role.errors.append(str(error))
        return _user_page(account, 409, role_form=form)
    db.session.commit()
    flash(f"{account.name} is now {account.role.label.lower()}; their open sessions were ended.", "success")
    return redirect(url_for("admin.user", user_id=user_id), code=303)


@bp.post("/users/<int:user_id>/password")
@roles(Role.ADMIN)
def reset_password(user_id: int):
    account = _user(user_id)
    form = UserPasswordForm()
    if not form.validate_on_submit():
        return _user_page(account, 422, password_form=form)
    accounts.reset_password(account, form.password.data, by=current_user)
    db.session.commit()
    flash(f"New password set for {account.name}; their open sessions were ended.", "success")
    return redirect(url_for("admin.user", user_id=user_id), code=303)


@bp.post("/users/<int:user_id>/sessions/end")
@roles(Role.ADMIN)
def end_sessions(user_id: int):
    account = _user(user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _user_page(account, 422)
    ended = accounts.end_sessions(account, by=current_user)
    db.session.commit()
    flash(f"{ended} session(s) of {account.name} ended: they must sign in again.", "success")
    if account.id == current_user.id:
        return redirect(url_for("auth.login"), code=303)
    return redirect(url_for("admin.user", user_id=user_id), code=303)


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
