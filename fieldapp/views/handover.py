"""The hand-over: the technician gives the phone to the customer, who rates and signs."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from fieldapp.auth import roles
from fieldapp.extensions import db
from fieldapp.forms.ratings import ASPECT_LABELS, OnSiteRatingForm
from fieldapp.models import RatingSource, Role
from fieldapp.services import idempotency, ratings
from fieldapp.views.visits import load_visit

bp = Blueprint("handover", __name__, url_prefix="/visits/<int:visit_id>/handover")


@bp.get("/")
@roles(Role.TECHNICIAN)
def rating_form(visit_id: int):
    visit = load_visit(visit_id)
    return _render(visit, OnSiteRatingForm(formdata=None, signer_name=_customer_name(visit)))


@bp.post("/")
@roles(Role.TECHNICIAN)
def submit(visit_id: int):
    visit = load_visit(visit_id)
    form = OnSiteRatingForm()
    if not form.validate_on_submit():
        return _render(visit, form, 422)
    if idempotency.claim(form.client_id.data, "visit.rate", current_user):
        if not ratings.can_rate_on_site(visit) and visit.rating is None:
            db.session.rollback()
            return _render(visit, form, 409, "The customer can rate once the technician has arrived.")
        try:
            ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data, RatingSource.ON_SITE,
                           form.signer_name.data.strip(), form.signature.data)
        except ratings.RatingRefused as refused:
            db.session.rollback()
            return _render(load_visit(visit_id), form, refused.status, str(refused))
        db.session.commit()
    return redirect(url_for("handover.rating_form", visit_id=visit_id), code=303)


def _customer_name(visit) -> str:
    return visit.case.customer.name if visit.case.customer else (visit.case.contact_name or "")


def _render(visit, form, status: int = 200, error: str | None = None):
    return render_template("visits/handover.html", visit=visit, form=form, aspects=ASPECT_LABELS,
                           error=error, can_rate=ratings.can_rate_on_site(visit)), status
