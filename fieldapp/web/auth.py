"""Who may open what: every endpoint declares its roles or says it is public; default deny."""
from __future__ import annotations

from collections.abc import Callable
from flask import Flask, abort, current_app, g, make_response, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from fieldapp.extensions import login_manager
from fieldapp.web.htmx import is_htmx, redirect_htmx_aware
from fieldapp.models import Role, User
from fieldapp.services import sessions

STAFF = (Role.TECHNICIAN, Role.DISPATCHER, Role.ADMIN)
OFFICE = (Role.DISPATCHER, Role.ADMIN)
# Endpoints of Flask itself that carry no data.
BUILTIN_PUBLIC = {"static"}
# While the phone is handed to a customer (see views/visits/handover.py), only these endpoints answer,
# and only for the handed-over visit; everything else asks for the technician's password or PIN.
# The lock is on the server-side session (services/sessions.py), never in the cookie.
HANDOVER_OPEN = {"handover.rating_form", "handover.submit", "handover.unlock"}
HANDOVER_ALWAYS_OPEN = {"auth.logout"}  # giving up the session takes no rights


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
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.localize_callback = str  # flashed as text in the language of the request
    login_manager.login_message_category = "info"
    # "basic": a phone changing networks (new IP) must not sign the technician out.
    login_manager.session_protection = "basic"
    app.before_request(enforce_access)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The cookie names a server-side session (services.sessions), never a bare user id."""
    return sessions.load(session_token)


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
    if request.endpoint in BUILTIN_PUBLIC:
        return None
    locked_to = getattr(current_user, "handover_visit_id", None)
    if locked_to is not None and not _handover_allows_this(locked_to):
        return redirect_htmx_aware(url_for("handover.unlock", visit_id=locked_to))
    if getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None or current_user.role not in allowed:
        abort(403)
    return None


def _handover_allows_this(locked_to: int) -> bool:
    if request.endpoint in HANDOVER_ALWAYS_OPEN:
        return True
    return request.endpoint in HANDOVER_OPEN and (request.view_args or {}).get("visit_id") == locked_to


def _own_visit(user: User, visit) -> bool:
    return user.role is not Role.TECHNICIAN or visit.technician_id == user.id


# Record-level rules on top of the roles: which records of a kind a user may act on.
RECORD_RULES: dict[str, Callable[[User, object], bool]] = {"visits": _own_visit}


def may_see(user: User, record) -> bool:
    rule = RECORD_RULES.get(getattr(record, "__tablename__", ""))
    return rule is None or rule(user, record)


def can(endpoint: str, record=None) -> bool:
    """Would the signed-in user be let through `endpoint` (for `record`)? Reads the same
    declarations as enforce_access, so a template never shows a button that answers 403.
    Asked a dozen times per page (the navigation): answered once per request and endpoint."""
    known = g.setdefault("can", {})
    key = (endpoint, getattr(record, "__tablename__", None), getattr(record, "id", None))
    if key not in known:
        known[key] = _can(endpoint, record)
    return known[key]


def _can(endpoint: str, record) -> bool:
    view = current_app.view_functions.get(endpoint)
    if view is None:
        raise LookupError(f"no endpoint {endpoint!r}")
    if getattr(view, "is_public", False):
        return True
    user = current_user._get_current_object()
    if not user.is_authenticated or user.role not in getattr(view, "allowed_roles", ()):
        return False
    return record is None or may_see(user, record)


def start_browser_session(user: User) -> None:
    """A fresh cookie session (no fixation) naming the server-side session just started."""
    session.clear()
    login_user(user)
    session.permanent = True


def role_home(user: User) -> str:
    return {
        Role.TECHNICIAN: "technician.today",
        Role.DISPATCHER: "dispatch.board",
        Role.ADMIN: "admin.index",
    }[user.role]
