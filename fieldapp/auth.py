"""Who may open what: every endpoint declares its roles or says it is public; default deny."""
from __future__ import annotations

from collections.abc import Callable
from flask import Flask, abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user

from fieldapp.extensions import db, login_manager
from fieldapp.htmx import is_htmx
from fieldapp.models import Role, User

STAFF = (Role.TECHNICIAN, Role.DISPATCHER, Role.ADMIN)
OFFICE = (Role.DISPATCHER, Role.ADMIN)
# Endpoints of Flask itself that carry no data.
BUILTIN_PUBLIC = {"static"}


def roles(*allowed: Role) -> Callable:
    """Mark a view as open to signed-in users with one of these roles."""

    def mark(view):
        view.allowed_roles = frozenset(allowed)
        return view

    return mark


def public(view):
    """Mark a view as open to everyone, signed in or not."""
    view.is_public = True
    return view


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # "basic": a phone changing networks (new IP) must not sign the technician out.
    login_manager.session_protection = "basic"
    app.before_request(enforce_access)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if is_htmx():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def enforce_access():
    """Runs before every view: public, or signed in with an allowed role, or refused."""
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    view = current_app.view_functions.get(request.endpoint)
    if request.endpoint in BUILTIN_PUBLIC or getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None or current_user.role not in allowed:
        abort(403)
    return None


def role_home(user: User) -> str:
    return {
        Role.TECHNICIAN: "technician.today",
        Role.DISPATCHER: "dispatch.board",
        Role.ADMIN: "admin.index",
    }[user.role]
