"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from fieldapp.auth import STAFF, public, role_home, roles, start_browser_session
from fieldapp.extensions import db
from fieldapp.forms.auth import LoginForm
from fieldapp.clients import client_address
from fieldapp.services import accounts, audit, sessions

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(role_home(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/login.html", form=form), status
    try:
        result = accounts.sign_in(form.email.data, form.password.data, client_address())
    except accounts.SignInThrottled as throttled:
        form.form_errors.append(
            f"Too many failed sign-ins. Wait {throttled.minutes} minute(s) and try again, "
            "or ask your administrator to reset your password."
        )
        return (render_template("auth/login.html", form=form), 429,
                {"Retry-After": str(throttled.retry_after_seconds)})
    if not result.ok:
        db.session.commit()  # the failure counts towards throttling
        form.form_errors.append("Wrong email or password.")
        return render_template("auth/login.html", form=form), 401
    sessions.end(session.get("_user_id"))  # signing in over an old session ends it
    sessions.start(result.user, client_address(), request.user_agent.string)
    db.session.commit()
    start_browser_session(result.user)
    return redirect(_safe_next(form.next.data) or url_for(role_home(result.user)), code=303)


@bp.post("/logout")
@roles(*STAFF)
def logout():
    audit.record("user.signed_out", current_user._get_current_object())
    sessions.end(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    response = redirect(url_for("auth.login"), code=303)
    # The phone's copies of this user's pages and its queue go with the session (offline.js
    # has cleared them already where it runs; this covers the rest).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
