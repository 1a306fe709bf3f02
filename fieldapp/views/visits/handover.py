"""The hand-over: the technician gives the phone to the customer, who rates and signs.

While the customer holds the phone, the session is locked to this visit's rating screens
(web/auth.py, HANDOVER_KEY): every other page, the back button and typed URLs included, asks
for the technician's password or PIN first.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from fieldapp.forms.account import UnlockForm
from fieldapp.forms.ratings import ASPECT_LABELS, OnSiteRatingForm
from fieldapp.models import RatingSource, Role, Visit
from fieldapp.services import accounts, ratings
from fieldapp.web import phone
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import HANDOVER_KEY, roles
from fieldapp.web.htmx import see_other
from fieldapp.web.loaders import load_visit

FAILURES_KEY = "handover_failures"

bp = Blueprint("handover", __name__, url_prefix="/visits/<int:visit_id>/handover")


@bp.get("/")
@roles(Role.TECHNICIAN)
def rating_form(visit_id: int):
    visit = load_visit(visit_id)
    form = OnSiteRatingForm(formdata=None, signer_name=_customer_name(visit))
    if phone.is_prefetch():
        # The phone keeping this page for a day without signal (templates/offline/sw.js): nobody
        # holds it yet, and by the time the customer does, the visit will have reached the site.
        return _render(visit, form, can_rate=visit.rating is None and not visit.status.is_finished)
    if ratings.can_rate_on_site(visit) and visit.rating is None:
        session[HANDOVER_KEY] = visit.id  # the customer holds the phone from now on
    return _render(visit, form)


class Unlocked:
    """Right: back to the visit. Wrong: the form again (401) with the attempts left. Too many
    wrong: the session has ended, so the browser signs out too."""

    def __init__(self, visit: Visit, form: UnlockForm):
        self.visit, self.form = visit, form

    def success(self, failures: int | None):
        if failures is None:
            session.pop(HANDOVER_KEY, None)
            session.pop(FAILURES_KEY, None)
            return see_other(url_for("visits.show", visit_id=self.visit.id))
        if failures >= accounts.HANDOVER_UNLOCK_ATTEMPTS:
            logout_user()
            session.clear()
            flash("Too many wrong attempts: you were signed out. Sign in again to go on.", "error")
            return see_other(url_for("auth.login"))
        session[FAILURES_KEY] = failures
        self.form.secret.errors.append(
            f"That is not your password or PIN ({accounts.HANDOVER_UNLOCK_ATTEMPTS - failures} attempts left).")
        return _unlock_page(self.visit, self.form), 401

    def refusal(self, refused: Refused):
        return _unlock_page(self.visit, self.form), refused.status


@bp.route("/unlock", methods=["GET", "POST"])
@roles(Role.TECHNICIAN)
def unlock(visit_id: int):
    """The technician takes the phone back: password or PIN."""
    visit = load_visit(visit_id)
    if session.get(HANDOVER_KEY) != visit.id:
        return redirect(url_for("visits.show", visit_id=visit.id), code=303)
    form = UnlockForm()
    if not form.is_submitted():
        return _unlock_page(visit, form)
    me = current_user._get_current_object()
    return act(form, lambda: accounts.take_phone_back(me, form.secret.data, session.get(FAILURES_KEY, 0)),
               Unlocked(visit, form))


def _unlock_page(visit: Visit, form: UnlockForm) -> str:
    return render_template("visits/handover_unlock.html", visit=visit, form=form)


class Rated:
    def __init__(self, visit_id: int, form: OnSiteRatingForm):
        self.visit_id, self.form = visit_id, form

    def success(self, _):
        return see_other(url_for("handover.rating_form", visit_id=self.visit_id))

    def refusal(self, refused: Refused):
        return _render(load_visit(self.visit_id), self.form, refused.status, refused.elsewhere)


@bp.post("/")
@roles(Role.TECHNICIAN)
def submit(visit_id: int):
    visit, form = load_visit(visit_id), OnSiteRatingForm()
    return act(form, lambda: ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data,
                                            RatingSource.ON_SITE, form.signer_name.data.strip(),
                                            form.signature.data, form.happened_at.data),
               Rated(visit_id, form))


def _customer_name(visit: Visit) -> str:
    return visit.case.customer.name if visit.case.customer else (visit.case.contact_name or "")


def _render(visit: Visit, form, status: int = 200, error: str | None = None, can_rate: bool | None = None):
    can_rate = ratings.can_rate_on_site(visit) if can_rate is None else can_rate
    return render_template("visits/handover.html", visit=visit, form=form, aspects=ASPECT_LABELS,
                           error=error, can_rate=can_rate), status
