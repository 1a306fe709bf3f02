"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from fieldapp.forms import ActionForm
from fieldapp.forms.auth import LoginForm
from fieldapp.services import accounts
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import STAFF, public, role_home, roles, start_browser_session
from fieldapp.web.clients import client_address
from fieldapp.web.htmx import see_other

bp = Blueprint("auth", __name__)


def _login_page(form: LoginForm) -> str:
    return render_template("auth/login.html", form=form)


class SignedIn:
    """Right: a fresh cookie session naming the server-side one, then where the user was going.
    Wrong: the form again (401), the failure counted. Too many failures: 429, and when to retry."""

    def __init__(self, form: LoginForm):
        self.form = form

    def success(self, result: accounts.SignInResult):
        if not result.ok:
            self.form.form_errors.append(_("Wrong email or password."))
            return _login_page(self.form), 401
        start_browser_session(result.user)
        return see_other(_safe_next(self.form.next.data) or url_for(role_home(result.user)))

    def refusal(self, refused: Refused):
        if refused.error is None:  # the form did not validate
            return _login_page(self.form), refused.status
        self.form.form_errors.append(refused.message)
        return (_login_page(self.form), refused.status,
                {"Retry-After": str(refused.error.retry_after_seconds)})


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(role_home(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.is_submitted():
        return _login_page(form)
    return act(form, lambda: accounts.sign_in(form.email.data, form.password.data, client_address(),
                                              request.user_agent.string, session.get("_user_id")),
               SignedIn(form))


class SignedOut:
    def success(self, _result):
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
        response = see_other(url_for("auth.login"))
        # The phone's copies of this user's pages and its queue go with the session (the page's
        # script has cleared them already where it runs; this covers the rest).
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response

    def refusal(self, refused: Refused):  # an empty form: only a missing CSRF token refuses it
        return see_other(url_for("auth.login"))


@bp.post("/logout")
@roles(*STAFF)
def logout():
    me = current_user._get_current_object()
    return act(ActionForm(), lambda: accounts.sign_out(me), SignedOut())


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
