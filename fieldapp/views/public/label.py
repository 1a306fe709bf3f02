"""/a/<token>: what a product's QR label opens. Staff (signed in) get the product's page with its
whole case history (views/products/page.py); anyone else gets a public page that shows nothing
private: the model, warranty status, care tips and manuals, a rating form for the last service,
and forms to ask for help, ask a question, return the product or complain, and to follow an
open request (its status page, for the email or phone number on it)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.extensions import limiter
from fieldapp.forms.complaints import QrComplaintForm
from fieldapp.forms.customer_links import FollowRequestForm
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.forms.questions import QuestionForm
from fieldapp.forms.ratings import ASPECT_LABELS, RatingForm
from fieldapp.forms.returns import PublicReturnForm
from fieldapp.models import Asset, RatingSource, ReturnCondition, Visit
from fieldapp.orm import utcnow
from fieldapp.services import (
    assets, catalog, complaints, customer_links, follow_requests, intake, maintenance, ratings, returns,
)
from fieldapp.values import is_url_token
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import public
from fieldapp.web.htmx import see_other
from fieldapp.web.sections import page

bp = Blueprint("public", __name__, url_prefix="/a")
product_page = page("product")

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
            abort(404, _("This label has been replaced by a new one. Please use the new label on the product, "
                         "or contact us if it is missing."))
    abort(404, _("This label is not recognised. Check that the whole code was scanned, or contact us."))


@bp.get("/<token>")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_PAGE_LIMIT, key_func=_token_key, exempt_when=_staff)
def asset(token: str):
    asset = _asset_or_404(token)
    if _staff():
        return product_page.render(asset)
    return _public_page(asset)


def rateable_visit(asset: Asset) -> Visit | None:
    """The last completed visit, if recent enough and not yet rated."""
    visit = assets.last_completed_visit(asset)
    if visit is None or visit.rating is not None or visit.completed_at is None:
        return None
    window = timedelta(days=current_app.config["QR_RATING_DAYS"])
    return visit if utcnow() - visit.completed_at <= window else None


def _public_page(asset: Asset, refused: Refused | None = None):
    """The label's public page; a refused form (slots "request", "return", "question",
    "complaint", "follow") comes back in its place with what was typed."""
    today = clock.today()
    return_form = form_in(refused, "return")
    if return_form is not None and refused.elsewhere:
        return_form.form_errors.append(refused.elsewhere)
    page = render_template(
        "public/asset_public.html", asset=asset, model=asset.product_model, coverage=asset.coverage_on(today),
        return_policy=returns.policy(asset, today), return_form=return_form or PublicReturnForm(formdata=None),
        later=[c for c in asset.coverages if c.starts_on > today],
        form=form_in(refused, "request") or ServiceRequestForm(formdata=None),
        rateable=rateable_visit(asset) is not None, maintenance_due=maintenance.due_on(asset), today=today,
        education=catalog.education(asset.product_model),
        question_form=form_in(refused, "question") or QuestionForm(formdata=None),
        complaint_form=form_in(refused, "complaint") or QrComplaintForm(formdata=None),
        follow_form=form_in(refused, "follow") or FollowRequestForm(formdata=None),
    )
    return page, refused.status if refused else 200


class Received:
    """A public form's answer: its reference in the session, then the thank-you page (a bot that
    filled the hidden field sees the same and nothing was stored); refused, the label's page."""

    def __init__(self, asset: Asset, key: str, endpoint: str):
        self.asset, self.key, self.endpoint = asset, key, endpoint

    def success(self, case):
        session[self.key] = case.number if case else "received"
        return see_other(url_for(self.endpoint, token=self.asset.qr_token))

    def refusal(self, refused: Refused):
        return _public_page(self.asset, refused)


def _unless_spam(form, change):
    """The change, or nothing for a bot (it filled the hidden field): it looks the same to it."""
    return lambda: None if form.is_spam else change()


@bp.post("/<token>/request")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def request_service(token: str):
    asset, form = _asset_or_404(token), ServiceRequestForm()
    return act(form, _unless_spam(form, lambda: intake.request_from_qr(
        asset, form.name.data, form.phone.data, form.email.data, form.description.data, form.preferred_time.data)),
        Received(asset, "requested", "public.requested"), "request")


class ReturnReceived(Received):
    def success(self, requested):
        return super().success(requested.case if requested else None)


@bp.post("/<token>/return")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def request_return(token: str):
    """A return request while the product may be returned: a case in the queue, and its reference."""
    asset, form = _asset_or_404(token), PublicReturnForm()
    return act(form, _unless_spam(form, lambda: returns.request(
        None, asset, form.reason.data, ReturnCondition(form.condition.data), contact=form.contact())),
        ReturnReceived(asset, "requested", "public.requested"), "return")


@bp.post("/<token>/complaint")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def complain(token: str):
    """“Something wrong? Tell us”: on the product's open case, or a new one; the office is alerted."""
    asset, form = _asset_or_404(token), QrComplaintForm()
    return act(form, _unless_spam(form, lambda: complaints.from_qr_page(
        asset, form.name.data, form.phone.data, form.email.data, form.description.data)),
        Received(asset, "complained", "public.complaint_received"), "complaint")


@bp.post("/<token>/ask")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def ask(token: str):
    """A question about the product: a case in the queue, answered by email; the asker gets its reference."""
    asset, form = _asset_or_404(token), QuestionForm()
    return act(form, _unless_spam(form, lambda: intake.question_from_qr(
        asset, form.asker_name.data, form.asker_email.data, form.question.data)),
        Received(asset, "asked", "public.asked"), "question")


class Following:
    """“Follow your request” answered: the case's status page; refused, the label's page with
    the same words for any miss."""

    def __init__(self, asset: Asset):
        self.asset = asset

    def success(self, link):
        return see_other(customer_links.url(link))

    def refusal(self, refused: Refused):
        return _public_page(self.asset, refused)


def _follow(form: FollowRequestForm, asset: Asset):
    """The status link; a bot (it filled the hidden field) is told what any miss is told."""
    if form.is_spam:
        raise follow_requests.not_found()
    return follow_requests.status_link(asset, form.contact.data)


@bp.post("/<token>/follow")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def follow_request(token: str):
    """“Follow your request”: the email address or phone number on an open request of this
    product opens the request's status page."""
    asset, form = _asset_or_404(token), FollowRequestForm()
    return act(form, lambda: _follow(form, asset), Following(asset), "follow")


def _received(token: str, session_key: str, heading: str, promise: Callable[[str], str]):
    """The thank-you page after a public form, with the reference the form left in the session;
    without one (a bookmark, a reload elsewhere), the product page. `promise`: what happens next,
    written for the product model's name."""
    asset = _asset_or_404(token)
    reference = session.get(session_key)
    if not reference:
        return redirect(url_for("public.asset", token=token), code=303)
    return render_template("public/received.html", asset=asset, reference=reference, heading=heading,
                           promise=promise(asset.product_model.name))


@bp.get("/<token>/requested")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def requested(token: str):
    return _received(token, "requested", _("Thank you, we have your request"),
                     lambda model: _("We will contact you soon about your %(model)s.", model=model))


@bp.get("/<token>/complaint-received")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def complaint_received(token: str):
    return _received(token, "complained", _("Thank you for telling us"),
                     lambda model: _("Someone from our office will look into it and contact you about your "
                                     "%(model)s.", model=model))


@bp.get("/<token>/asked")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def asked(token: str):
    return _received(token, "asked", _("Thank you, we have your question"),
                     lambda model: _("We will answer by email about your %(model)s.", model=model))


class Rated:
    def __init__(self, asset: Asset, visit: Visit, form: RatingForm):
        self.asset, self.visit, self.form = asset, visit, form

    def success(self, _result):
        return _thanks(self.asset, already_rated=False)

    def refusal(self, refused: Refused):
        if refused.on_form:
            return _rate_page(self.asset, self.visit, self.form), refused.status
        return _thanks(self.asset, already_rated=True, status=refused.status)  # rated a moment ago on site


def _rate_page(asset: Asset, visit: Visit | None, form: RatingForm | None) -> str:
    return render_template("public/rate.html", asset=asset, visit=visit, form=form, aspects=ASPECT_LABELS)


@bp.route("/<token>/rate", methods=["GET", "POST"])
@public
@limiter.limit(PAGE_LIMIT, methods=["GET"], exempt_when=_staff)
@limiter.limit(FORM_LIMIT, methods=["POST"], exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, methods=["POST"], exempt_when=_staff)
def rate(token: str):
    asset = _asset_or_404(token)
    visit = rateable_visit(asset)
    if visit is None:
        status = 409 if request.method == "POST" else 200
        last = assets.last_completed_visit(asset)
        if last is not None and last.rating is not None:
            return _thanks(asset, already_rated=True, status=status)
        return _rate_page(asset, None, None), status
    form = RatingForm()
    if request.method == "GET":
        return _rate_page(asset, visit, form)
    return act(form, lambda: ratings.submit(visit, form.scores(), form.comments.data, form.complaint.data,
                                            RatingSource.QR), Rated(asset, visit, form))


def _thanks(asset: Asset, already_rated: bool, status: int = 200):
    return render_template("public/thanks.html", asset=asset, model=asset.product_model,
                           already_rated=already_rated, maintenance_due=maintenance.due_on(asset),
                           today=clock.today()), status
