"""One's own account: change the password, set the hand-over PIN, choose the language of one's
pages, sign out everywhere."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import languages
from fieldapp.forms import ActionForm
from fieldapp.forms.account import LanguageForm, PasswordChangeForm, PinForm
from fieldapp.forms.admin import OwnPhoneForm
from fieldapp.services import accounts, sessions
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import STAFF, roles, start_browser_session
from fieldapp.web.clients import client_address
from fieldapp.web.sections import OnForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(refused: Refused | None = None) -> str:
    return render_template(
        "account/index.html", password_form=form_in(refused, "password") or PasswordChangeForm(formdata=None),
        pin_form=form_in(refused, "pin") or PinForm(formdata=None),
        language_form=form_in(refused, "language") or LanguageForm(formdata=None,
                                                                   language=current_user.language or ""),
        phone_form=form_in(refused, "phone") or OwnPhoneForm(formdata=None, phone=current_user.phone),
        action_form=ActionForm(formdata=None), open_sessions=sessions.counts().get(current_user.id, 0))


def _on_account(message, to: str | None = None) -> OnForm:
    return OnForm(to or url_for("account.index"), message, _page)


@bp.get("/")
@roles(*STAFF)
def index():
    return _page()


class PasswordChanged(OnForm):
    """Every other device is signed out; this browser goes on in the session just started."""

    def success(self, user):
        start_browser_session(user)
        return super().success(user)


@bp.post("/password")
@roles(*STAFF)
def change_password():
    form = PasswordChangeForm()
    me = current_user._get_current_object()
    return act(form, lambda: accounts.change_password(me, form.current_password.data, form.new_password.data,
                                                      client_address(), request.user_agent.string),
               PasswordChanged(url_for("account.index"), _("Password changed. Every other device was signed out."),
                               _page), "password")


@bp.post("/pin")
@roles(*STAFF)
def set_pin():
    form = PinForm()
    me = current_user._get_current_object()
    return act(form, lambda: accounts.set_pin(me, form.pin.data),
               _on_account(_("PIN saved. Use it to take the phone back after a customer has rated a visit.")), "pin")


@bp.post("/pin/remove")
@roles(*STAFF)
def remove_pin():
    me = current_user._get_current_object()
    return act(ActionForm(), lambda: accounts.set_pin(me, None),
               _on_account(_("PIN removed: your password takes the phone back.")))


@bp.post("/phone")
@roles(*STAFF)
def set_phone():
    """The phone number reports give for oneself (customers call it about a visit)."""
    form = OwnPhoneForm()
    return act(form, lambda: accounts.set_own_phone(current_user._get_current_object(), form.phone.data),
               _on_account(_("Your phone number is saved."), url_for("account.index", _anchor="phone")), "phone")


@bp.post("/language")
@roles(*STAFF)
def set_language():
    """The next page speaks the language chosen (the message says so in it already)."""
    form = LanguageForm()
    me = current_user._get_current_object()
    return act(form, lambda: accounts.set_language(me, form.chosen),
               _on_account(lambda _result: _language_saved(me)), "language")


def _language_saved(me) -> str:
    with languages.speaking(me.language):
        return _("Language saved.")


@bp.post("/sessions/end")
@roles(*STAFF)
def end_sessions():
    me = current_user._get_current_object()
    return act(ActionForm(), lambda: accounts.end_sessions(me, by=me),
               _on_account(_("You are signed out on every device."), url_for("auth.login")))
