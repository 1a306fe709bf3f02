"""Administration: staff accounts and the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.auth import roles
from fieldapp.extensions import db
from fieldapp.forms.admin import UserActiveForm, UserCreateForm
from fieldapp.models import AuditEvent, Role, User
from fieldapp.params import page_arg
from fieldapp.services import accounts

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
    user = db.session.get(User, user_id) or abort(404)
    form = UserActiveForm()
    try:
        accounts.set_active(user, bool(form.active.data), by=current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return _users_page(UserCreateForm(formdata=None), 409)
    db.session.commit()
    flash(f"{user.name} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.index"), code=303)


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
    return render_template("admin/index.html", users=users, form=form, active_form=UserActiveForm), status
