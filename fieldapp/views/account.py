"""One's own account: change the password, set the hand-over PIN, sign out everywhere."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles
from fieldapp.clients import client_address
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.account import PasswordChangeForm, PinForm
from fieldapp.services import accounts, sessions
from fieldapp.views.auth import start_browser_session

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
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    me = current_user._get_current_object()
    try:
        accounts.change_password(me, form.current_password.data, form.new_password.data)
    except accounts.AccountError as error:
        getattr(form, error.field).errors.append(str(error))
        return _page(422, password_form=form)
    sessions.start(me, client_address(), request.user_agent.string)  # this browser stays signed in
    db.session.commit()
    start_browser_session(me)
    flash("Password changed. Every other device was signed out.", "success")
    return redirect(url_for("account.index"), code=303)


@bp.post("/pin")
@roles(*STAFF)
def set_pin():
    form = PinForm()
    if not form.validate_on_submit():
        return _page(422, pin_form=form)
    accounts.set_pin(current_user._get_current_object(), form.pin.data)
    db.session.commit()
    flash("PIN saved. Use it to take the phone back after a customer has rated a visit.", "success")
    return redirect(url_for("account.index"), code=303)


@bp.post("/pin/remove")
@roles(*STAFF)
def remove_pin():
    form = ActionForm()
    if not form.validate_on_submit():
        return _page(422)
    accounts.set_pin(current_user._get_current_object(), None)
    db.session.commit()
    flash("PIN removed: your password takes the phone back.", "success")
    return redirect(url_for("account.index"), code=303)


@bp.post("/sessions/end")
@roles(*STAFF)
def end_sessions():
    form = ActionForm()
    if not form.validate_on_submit():
        return _page(422)
    me = current_user._get_current_object()
    accounts.end_sessions(me, by=me)
    db.session.commit()
    flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.login"), code=303)
