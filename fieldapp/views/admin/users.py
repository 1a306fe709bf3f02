"""Administration: staff accounts and the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.admin import (
    SkillsForm, UserActiveForm, UserCreateForm, UserPasswordForm, UserProfileForm, UserRoleForm,
)
from fieldapp.models import Role, User
from fieldapp.services import accounts, audit, field_team, sessions
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import roles
from fieldapp.web.params import page_arg
from fieldapp.web.sections import OnForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(form: UserCreateForm | None = None) -> str:
    return render_template("admin/index.html", users=accounts.all_users(), form=form or UserCreateForm(),
                           active_form=UserActiveForm, open_sessions=sessions.counts())


def _refused_on_list(refused: Refused) -> str:
    flash(refused.message, "error")
    return _users_page()


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _users_page()


@bp.post("/users")
@roles(Role.ADMIN)
def create_user():
    form = UserCreateForm()
    return act(form, lambda: accounts.create_user(form.email.data, form.name.data, Role(form.role.data),
                                                  form.password.data, form.phone.data, created_by=current_user),
               OnForm(url_for("admin.index"), lambda user: _signs_in_as(user), lambda refused: _users_page(form)))


@bp.post("/users/<int:user_id>/active")
@roles(Role.ADMIN)
def set_active(user_id: int):
    user, form = _user(user_id), UserActiveForm()
    return act(form, lambda: accounts.set_active(user, bool(form.active.data), by=current_user),
               OnForm(url_for("admin.index"),
                      lambda _result: (_("%(name)s is now active.", name=user.name) if user.active
                                       else _("%(name)s is now deactivated.", name=user.name)),
                      _refused_on_list))


def _signs_in_as(user: User) -> str:
    """One whole sentence per role (a role's name is no word to put in any sentence)."""
    return {
        Role.TECHNICIAN: _("%(name)s can now sign in as technician.", name=user.name),
        Role.DISPATCHER: _("%(name)s can now sign in as dispatcher.", name=user.name),
        Role.ADMIN: _("%(name)s can now sign in as admin.", name=user.name),
    }[user.role]


def _now_in_role(user: User) -> str:
    return {
        Role.TECHNICIAN: _("%(name)s is now technician; their open sessions were ended.", name=user.name),
        Role.DISPATCHER: _("%(name)s is now dispatcher; their open sessions were ended.", name=user.name),
        Role.ADMIN: _("%(name)s is now admin; their open sessions were ended.", name=user.name),
    }[user.role]


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _user_page(account: User, refused: Refused | None = None) -> str:
    return render_template(
        "admin/user.html", account=account, open_sessions=sessions.counts().get(account.id, 0),
        role_form=form_in(refused, "role") or UserRoleForm(formdata=None, role=account.role.value),
        profile_form=form_in(refused, "profile") or UserProfileForm(formdata=None, job_title=account.job_title,
                                                                    phone=account.phone),
        password_form=form_in(refused, "password") or UserPasswordForm(formdata=None),
        skills_form=_skills_form(account, refused),
        action_form=ActionForm(formdata=None))


def _skills_form(account: User, refused: Refused | None) -> SkillsForm | None:
    """A technician's skills: a box per category of the catalog (for other roles only when refused)."""
    form = form_in(refused, "skills")
    if form is None and account.role is not Role.TECHNICIAN:
        return None
    form = form or SkillsForm(formdata=None, categories=[skill.category for skill in account.skills])
    return form.offer(field_team.skill_choices(account))


@bp.get("/users/<int:user_id>")
@roles(Role.ADMIN)
def user(user_id: int):
    return _user_page(_user(user_id))


def _on_user(account: User, message) -> OnForm:
    return OnForm(url_for("admin.user", user_id=account.id), message,
                  lambda refused: _user_page(_user(account.id), refused))


@bp.post("/users/<int:user_id>/role")
@roles(Role.ADMIN)
def set_role(user_id: int):
    account, form = _user(user_id), UserRoleForm()
    return act(form, lambda: accounts.set_role(account, Role(form.role.data), by=current_user),
               _on_user(account, lambda _result: _now_in_role(account)), "role")


@bp.post("/users/<int:user_id>/profile")
@roles(Role.ADMIN)
def set_profile(user_id: int):
    account, form = _user(user_id), UserProfileForm()
    return act(form, lambda: accounts.set_profile(account, form.job_title.data, form.phone.data, by=current_user),
               _on_user(account, _("Job title and phone of %(name)s saved.", name=account.name)), "profile")


@bp.post("/users/<int:user_id>/skills")
@roles(Role.ADMIN)
def set_skills(user_id: int):
    account, form = _user(user_id), SkillsForm()
    return act(form, lambda: field_team.set_skills(account, form.chosen, by=current_user),
               _on_user(account, _("Skills of %(name)s saved.", name=account.name)), "skills")


@bp.post("/users/<int:user_id>/password")
@roles(Role.ADMIN)
def reset_password(user_id: int):
    account, form = _user(user_id), UserPasswordForm()
    return act(form, lambda: accounts.reset_password(account, form.password.data, by=current_user),
               _on_user(account, _("New password set for %(name)s; their open sessions were ended.",
                                   name=account.name)), "password")


@bp.post("/users/<int:user_id>/sessions/end")
@roles(Role.ADMIN)
def end_sessions(user_id: int):
    account = _user(user_id)
    me = current_user._get_current_object()
    answer = _on_user(account, lambda ended: ngettext("%(num)d session of %(name)s ended: they must sign in again.",
                                                      "%(num)d sessions of %(name)s ended: they must sign in again.",
                                                      ended or 0, name=account.name))
    if account.id == me.id:  # their own sessions, this one included
        answer.to = url_for("auth.login")
    return act(ActionForm(), lambda: accounts.end_sessions(account, by=me), answer)


@bp.get("/audit")
@roles(Role.ADMIN)
def audit_log():
    page = page_arg()
    events, pages, total = audit.page_of_events(page)
    return render_template("admin/audit.html", events=events, page=page, pages=pages, total=total)
