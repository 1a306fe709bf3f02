"""/a/<token>: what a product's QR label opens. Staff (signed in) get the product's whole case
history; anyone else gets a public page that shows nothing private: the model, warranty status,
care tips and manuals, a rating form for the last service and a request-for-help form."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from fieldapp.auth import public
from fieldapp.extensions import limiter
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.forms.ratings import ASPECT_LABELS, RatingForm
from fieldapp.htmx import see_other
from fieldapp.models import Asset, RatingSource, Visit
from fieldapp.orm import utcnow
from fieldapp.params import is_url_token
from fieldapp.services import assets, cases, ratings, schedule
from fieldapp.views.product_context import history_context
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("public", __name__, url_prefix="/a")

# Per client address, and per label (a bot cycling addresses still hits the label's limit).
PAGE_LIMIT = "60 per minute"
TOKEN_PAGE_LIMIT = "300 per hour"
FORM_LIMIT = "5 per minute; 30 per hour"
TOKEN_FORM_LIMIT = "20 per hour"


def _token_key() -> str:
    return "token:" + (request.view_args or {}).get("token", "")


def _staff() -> bool:
    """Staff reading histories are not customers: the public limits are not theirs."""
    return current_user.is_authenticated


@bp.after_request
def no_referrer(response):
    # The token must not leak to other sites through the Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _asset_or_404(token: str) -> Asset:
    if is_url_token(token):  # anything else was never made by secrets.token_urlsafe(): no lookup
        asset = assets.by_token(token)
        if asset is not None:
            return asset
        if assets.is_retired(token):
            abort(404, "This label has been replaced by a new one. Please use the new label on the product, "
                       "or contact us if it is missing.")
    abort(404, "This label is not recognised. Check that the whole code was scanned, or contact us.")


def _is_staff() -> bool:
    return current_user.is_authenticated


@bp.get("/<token>")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_PAGE_LIMIT, key_func=_token_key, exempt_when=_staff)
def asset(token: str):
    asset = _asset_or_404(token)
    if _is_staff():
        return render_template("assets/history.html", **history_context(asset))
    return _public_page(asset, ServiceRequestForm(formdata=None))


def rateable_visit(asset: Asset) -> Visit | None:
    """The last completed visit, if recent enough and not yet rated."""
    visit = assets.last_completed_visit(asset)
    if visit is None or visit.rating is not None or visit.completed_at is None:
        return None
    window = timedelta(days=current_app.config["QR_RATING_DAYS"])
    return visit if utcnow() - visit.completed_at <= window else None


def _public_page(asset: Asset, form: ServiceRequestForm, status: int = 200):
    today = schedule.today()
    return render_template(
        "public/asset_public.html", asset=asset, model=asset.product_model, coverage=asset.coverage_on(today),
        later=[c for c in asset.coverages if c.starts_on > today], form=form,
        rateable=rateable_visit(asset) is not None, maintenance_due=assets.next_maintenance(asset), today=today,
    ), status


@bp.post("/<token>/request")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def request_service(token: str):
    asset = _asset_or_404(token)
    form = ServiceRequestForm()

    def apply():
        if form.is_spam:  # look the same as success to the bot, store nothing
            return None
        return cases.request_from_qr(asset, form.name.data, form.phone.data, form.email.data,
                                     form.description.data, form.preferred_time.data)

    def done(case):
        session["requested"] = case.number if case else "received"
        return see_other(url_for("public.requested", token=token))

    return perform(form, apply, done, lambda refusal: _public_page(asset, form, refusal.status), "public.request")


@bp.get("/<token>/requested")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def requested(token: str):
    asset = _asset_or_404(token)
    reference = session.get("requested")
    if not reference:
        return redirect(url_for("public.asset", token=token), code=303)
    return render_template("public/requested.html", asset=asset, reference=reference)


@bp.route("/<token>/rate", methods=["GET", "POST"])
@public
@limiter.limit(PAGE_LIMIT, methods=["GET"], exempt_when=_staff)
@limiter.limit(FORM_LIMIT, methods=["POST"], exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, methods=["POST"], exempt_when=_staff)
def rate(token: str):
    asset = _asset_or_404(token)
    last = assets.last_completed_visit(asset)
    visit = rateable_visit(asset)
    if visit is None:
        status = 409 if request.method == "POST" else 200
        if last is not None and last.rating is not None:
            return _thanks(asset, already_rated=True, status=status)
        return render_template("public/rate.html", asset=asset, form=None, aspects=ASPECT_LABELS), status
    form = RatingForm()
    if request.method == "GET":
        return render_template("public/rate.html", asset=asset, visit=visit, form=form, aspects=ASPECT_LABELS)

    def refused(refusal: Refusal):
        if refusal.on_form:
            return render_template("public/rate.html", asset=asset, visit=visit, form=form,
                                   aspects=ASPECT_LABELS), refusal.status
        return _thanks(asset, already_rated=True, status=refusal.status)  # rated a moment ago on site

    return perform(form, lambda: ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data,
                                                RatingSource.QR),
                   lambda _: _thanks(asset, already_rated=False), refused, "public.rate")


def _thanks(asset: Asset, already_rated: bool, status: int = 200):
    return render_template("public/thanks.html", asset=asset, model=asset.product_model,
                           already_rated=already_rated, maintenance_due=assets.next_maintenance(asset),
                           today=schedule.today()), status
