"""The hand-over: the technician gives the phone to the customer, who rates and signs.

"Hand over" (a POST) locks the server-side session to this visit's rating screens (web/auth.py):
every other page, typed URLs and the Back button included (signed-in pages are never kept by the
browser, web/security.py), asks for the technician's password or PIN first. Without signal the
phone's service worker keeps the same lock (templates/offline/sw.js).
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from fieldapp import languages
from fieldapp.forms.account import UnlockForm
from fieldapp.forms.ratings import ASPECT_LABELS, OnSiteRatingForm
from fieldapp.forms.visits import StepForm
from fieldapp.models import RatingSource, Role, Visit
from fieldapp.services import accounts, ratings
from fieldapp.views.visits.page import visit_page
from fieldapp.web import phone
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import roles
from fieldapp.web.htmx import see_other
from fieldapp.web.loaders import load_visit
from fieldapp.web.sections import OnPage

bp = Blueprint("handover", __name__, url_prefix="/visits/<int:visit_id>/handover")


@bp.get("/")
@roles(Role.TECHNICIAN)
def rating_form(visit_id: int):
    """The customer's rating screen (kept by the phone for a day without signal, too)."""
    visit = load_visit(visit_id)
    form = OnSiteRatingForm(formdata=None, signer_name=_customer_name(visit))
    if phone.is_prefetch():
        # Kept for later: by the time the customer holds the phone, the visit will be on site.
        return _render(visit, form, can_rate=visit.rating is None and not visit.status.is_finished)
    return _render(visit, form)


@bp.post("/start")
@roles(Role.TECHNICIAN)
def start(visit_id: int):
    """The technician gives the phone to the customer: from now on it answers only this visit's
    rating and unlock screens."""
    visit, form = load_visit(visit_id), StepForm()
    me = current_user._get_current_object()
    # Refused (not on site, already rated), the visit page says why where the button was.
    return act(form, lambda: ratings.hand_over(visit, me),
               OnPage(visit_page, visit_id, anchor="finish",
                      to=lambda _unused: url_for("handover.rating_form", visit_id=visit_id)), "handover")


class Unlocked:
    """Right: back to the visit. Wrong: the form again (401) with the attempts left. Too many
    wrong: the session has ended, so the browser signs out too."""

    def __init__(self, visit: Visit, form: UnlockForm):
        self.visit, self.form = visit, form

    def success(self, failures: int | None):
        if failures is None:
            return see_other(url_for("visits.show", visit_id=self.visit.id))
        if failures >= accounts.HANDOVER_UNLOCK_ATTEMPTS:
            logout_user()
            session.clear()
            flash(_("Too many wrong attempts: you were signed out. Sign in again to go on."), "error")
            return see_other(url_for("auth.login"))
        self.form.secret.errors.append(ngettext("That is not your password or PIN (%(num)d attempt left).",
                                                "That is not your password or PIN (%(num)d attempts left).",
                                                accounts.HANDOVER_UNLOCK_ATTEMPTS - failures))
        return _unlock_page(self.visit, self.form), 401

    def refusal(self, refused: Refused):
        return _unlock_page(self.visit, self.form), refused.status


@bp.route("/unlock", methods=["GET", "POST"])
@roles(Role.TECHNICIAN)
def unlock(visit_id: int):
    """The technician takes the phone back: password or PIN. Answered whether or not this session
    is locked: a phone handed over without signal kept the lock itself, and the page is kept for
    that (the wrong answers count all the same)."""
    visit, form = load_visit(visit_id), UnlockForm()
    if not form.is_submitted():
        return _unlock_page(visit, form)
    me = current_user._get_current_object()
    return act(form, lambda: accounts.take_phone_back(me, form.secret.data), Unlocked(visit, form))


def _unlock_page(visit: Visit, form: UnlockForm) -> str:
    return render_template("visits/handover_unlock.html", visit=visit, form=form)


class Rated:
    def __init__(self, visit_id: int, form: OnSiteRatingForm):
        self.visit_id, self.form = visit_id, form

    def success(self, _unused):
        return see_other(url_for("handover.rating_form", visit_id=self.visit_id))

    def refusal(self, refused: Refused):
        return _render(load_visit(self.visit_id), self.form, refused.status, refused.elsewhere)


@bp.post("/")
@roles(Role.TECHNICIAN)
def submit(visit_id: int):
    visit, form = load_visit(visit_id), OnSiteRatingForm()
    with languages.for_customer(visit.case.customer):  # its refusals too, for the customer
        return act(form, lambda: ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data,
                                                RatingSource.ON_SITE, form.signer_name.data.strip(),
                                                form.signature.data, form.happened_at.data),
                   Rated(visit_id, form))


def _customer_name(visit: Visit) -> str:
    return visit.case.customer.name if visit.case.customer else (visit.case.contact_name or "")


def _render(visit: Visit, form, status: int = 200, error: str | None = None, can_rate: bool | None = None):
    """The rating screen speaks the customer's language: the customer holds the phone."""
    can_rate = ratings.can_rate_on_site(visit) if can_rate is None else can_rate
    with languages.for_customer(visit.case.customer):
        return render_template("visits/handover.html", visit=visit, form=form, aspects=ASPECT_LABELS,
                               error=error, can_rate=can_rate), status
