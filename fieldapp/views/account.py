"""One's own account: change the password, set the hand-over PIN, sign out everywhere."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles, start_browser_session
from fieldapp.clients import client_address
from fieldapp.forms import ActionForm
from fieldapp.forms.account import PasswordChangeForm, PinForm
from fieldapp.htmx import see_other
from fieldapp.services import accounts, sessions
from fieldapp.views.writes import perform

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@roles(*STAFF)
def index():
    return _page()


def _page(status: int = 200, password_form: PasswordChangeForm | None = None, pin_form: PinForm | None = None):
    return render_template(
        "account/index.html", password_form=password_form or PasswordChangeForm(formdata=None),
        pin_form=pin_form or PinForm(formdata=None), action_form=ActionForm(formdata=None),
        open_sessions=sessions.counts().get(current_user.id, 0),
    ), status


@bp.post("/password")
@roles(*STAFF)
def change_password():
    form = PasswordChangeForm()
    me = current_user._get_current_object()

    def apply():
        accounts.change_password(me, form.current_password.data, form.new_password.data)
        sessions.start(me, client_address(), request.user_agent.string)  # this browser stays signed in

    def done(_):
        start_browser_session(me)
        flash("Password changed. Every other device was signed out.", "success")
        return see_other(url_for("account.index"))

    return perform(form, apply, done, lambda refusal: _page(refusal.status, password_form=form))


@bp.post("/pin")
@roles(*STAFF)
def set_pin():
    form = PinForm()

    def done(_):
        flash("PIN saved. Use it to take the phone back after a customer has rated a visit.", "success")
        return see_other(url_for("account.index"))

    return perform(form, lambda: accounts.set_pin(current_user._get_current_object(), form.pin.data), done,
                   lambda refusal: _page(refusal.status, pin_form=form))


@bp.post("/pin/remove")
@roles(*STAFF)
def remove_pin():
    def done(_):
        flash("PIN removed: your password takes the phone back.", "success")
        return see_other(url_for("account.index"))

    return perform(ActionForm(), lambda: accounts.set_pin(current_user._get_current_object(), None), done,
                   lambda refusal: _page(refusal.status))


@bp.post("/sessions/end")
@roles(*STAFF)
def end_sessions():
    me = current_user._get_current_object()

    def done(_):
        flash("You are signed out on every device.", "info")
        return see_other(url_for("auth.login"))

    return perform(ActionForm(), lambda: accounts.end_sessions(me, by=me), done, lambda refusal: _page(refusal.status))
