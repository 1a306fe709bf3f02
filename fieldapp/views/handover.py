"""The hand-over: the technician gives the phone to the customer, who rates and signs.

While the customer holds the phone, the session is locked to this visit's rating screens
(auth.HANDOVER_KEY): every other page, the back button and typed URLs included, asks for the
technician's password or PIN first.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from fieldapp.auth import HANDOVER_KEY, roles
from fieldapp.extensions import db
from fieldapp.forms.account import UnlockForm
from fieldapp.forms.ratings import ASPECT_LABELS, OnSiteRatingForm
from fieldapp.models import RatingSource, Role
from fieldapp.htmx import see_other
from fieldapp.services import audit, ratings, sessions
from fieldapp.views.loaders import load_visit
from fieldapp.views.writes import perform

UNLOCK_ATTEMPTS = 5  # then the session ends: the phone is not the technician's any more
FAILURES_KEY = "handover_failures"
PREFETCH_HEADER = "X-FieldApp-Prefetch"

bp = Blueprint("handover", __name__, url_prefix="/visits/<int:visit_id>/handover")


@bp.get("/")
@roles(Role.TECHNICIAN)
def rating_form(visit_id: int):
    visit = load_visit(visit_id)
    form = OnSiteRatingForm(formdata=None, signer_name=_customer_name(visit))
    if request.headers.get(PREFETCH_HEADER) == "1":
        # The phone keeping this page for a day without signal (static/offline.js): nobody holds
        # it yet, and by the time the customer does, the visit will have reached the site.
        return _render(visit, form, can_rate=visit.rating is None and not visit.status.is_finished)
    if ratings.can_rate_on_site(visit) and visit.rating is None:
        session[HANDOVER_KEY] = visit.id  # the customer holds the phone from now on
    return _render(visit, form)


@bp.route("/unlock", methods=["GET", "POST"])
@roles(Role.TECHNICIAN)
def unlock(visit_id: int):
    """The technician takes the phone back: password or PIN."""
    visit = load_visit(visit_id)
    if session.get(HANDOVER_KEY) != visit.id:
        return redirect(url_for("visits.show", visit_id=visit.id), code=303)
    form = UnlockForm()
    if not form.validate_on_submit():
        return _unlock_page(visit, form, 422 if form.is_submitted() else 200)
    me = current_user._get_current_object()
    if me.check_password(form.secret.data) or me.check_pin(form.secret.data):
        session.pop(HANDOVER_KEY)
        session.pop(FAILURES_KEY, None)
        return redirect(url_for("visits.show", visit_id=visit.id), code=303)
    failures = session.get(FAILURES_KEY, 0) + 1
    if failures >= UNLOCK_ATTEMPTS:
        audit.record("user.handover_unlock_failed", me)
        sessions.end(me.session_token)
        db.session.commit()
        logout_user()
        session.clear()
        flash("Too many wrong attempts: you were signed out. Sign in again to go on.", "error")
        return redirect(url_for("auth.login"), code=303)
    session[FAILURES_KEY] = failures
    form.secret.errors.append(f"That is not your password or PIN ({UNLOCK_ATTEMPTS - failures} attempts left).")
    return _unlock_page(visit, form, 401)


def _unlock_page(visit, form: UnlockForm, status: int):
    return render_template("visits/handover_unlock.html", visit=visit, form=form), status


@bp.post("/")
@roles(Role.TECHNICIAN)
def submit(visit_id: int):
    visit = load_visit(visit_id)
    form = OnSiteRatingForm()

    def apply():
        ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data, RatingSource.ON_SITE,
                       form.signer_name.data.strip(), form.signature.data, form.happened_at.data)

    return perform(form, apply, lambda _: see_other(url_for("handover.rating_form", visit_id=visit_id)),
                   lambda refusal: _render(load_visit(visit_id), form, refusal.status, refusal.elsewhere),
                   "visit.rate")


def _customer_name(visit) -> str:
    return visit.case.customer.name if visit.case.customer else (visit.case.contact_name or "")


def _render(visit, form, status: int = 200, error: str | None = None, can_rate: bool | None = None):
    can_rate = ratings.can_rate_on_site(visit) if can_rate is None else can_rate
    return render_template("visits/handover.html", visit=visit, form=form, aspects=ASPECT_LABELS,
                           error=error, can_rate=can_rate), status
