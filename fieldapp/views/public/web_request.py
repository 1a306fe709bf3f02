"""The public request form for customers without a QR label at hand (process step 1, web).
Like the label's form it shows nothing private: whether a serial matched is never said."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user

from fieldapp.extensions import limiter
from fieldapp.forms.public import WebRequestForm
from fieldapp.services import intake, settings
from fieldapp.web.actions import act
from fieldapp.web.auth import public
from fieldapp.web.sections import OnForm

bp = Blueprint("web", __name__, url_prefix="/request")

PAGE_LIMIT = "60 per minute"
FORM_LIMIT = "5 per minute; 30 per hour"


def _staff() -> bool:
    return current_user.is_authenticated


def _received(case) -> str:
    session["web_requested"] = case.number if case else "received"  # None: a bot, told the same
    return url_for("web.received")


@bp.route("/", methods=["GET", "POST"])
@public
@limiter.limit(PAGE_LIMIT, methods=["GET"], exempt_when=_staff)
@limiter.limit(FORM_LIMIT, methods=["POST"], exempt_when=_staff)
def request_service():
    form = WebRequestForm()
    if not form.is_submitted():
        return render_template("web/request.html", form=form, return_policy=settings.current().return_policy)
    return act(form, lambda: None if form.is_spam else intake.request_from_web(
        form.serial.data, form.name.data, form.phone.data, form.email.data, form.postcode.data,
        form.description.data, form.preferred_time.data),
        OnForm(_received, None, lambda refused: render_template(
            "web/request.html", form=form, return_policy=settings.current().return_policy)))


@bp.get("/received")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def received():
    reference = session.get("web_requested")
    if not reference:
        return redirect(url_for("web.request_service"), code=303)
    return render_template("public/received.html", reference=reference, asset=None,
                           heading="Thank you, we have your request", promise="We will contact you soon.")
