"""/a/<token>: what a product's QR label opens. Staff (signed in) get the product's whole case
history; anyone else gets a public page that shows nothing private: the model, warranty status,
care tips and manuals, a rating form for the last service and a request-for-help form."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from fieldapp.auth import public
from fieldapp.extensions import limiter
from fieldapp.forms.complaints import QrComplaintForm
from fieldapp.forms.public import ServiceRequestForm
from fieldapp.forms.questions import QuestionForm
from fieldapp.forms.ratings import ASPECT_LABELS, RatingForm
from fieldapp.forms.returns import PublicReturnForm
from fieldapp.htmx import see_other
from fieldapp.models import Asset, RatingSource, ReturnCondition, Visit
from fieldapp.orm import utcnow
from fieldapp.params import is_url_token
from fieldapp.services import assets, cases, catalog, complaints, maintenance, ratings, returns, schedule
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


def _public_page(asset: Asset, form: ServiceRequestForm, status: int = 200,
                 return_form: PublicReturnForm | None = None, question_form: QuestionForm | None = None,
                 complaint_form: QrComplaintForm | None = None):
    today = schedule.today()
    return render_template(
        "public/asset_public.html", asset=asset, model=asset.product_model, coverage=asset.coverage_on(today),
        return_policy=returns.policy(asset, today), return_form=return_form or PublicReturnForm(formdata=None),
        later=[c for c in asset.coverages if c.starts_on > today], form=form,
        rateable=rateable_visit(asset) is not None, maintenance_due=maintenance.due_on(asset), today=today,
        education=catalog.education(asset.product_model),
        question_form=question_form or QuestionForm(formdata=None),
        complaint_form=complaint_form or QrComplaintForm(formdata=None),
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


@bp.post("/<token>/return")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def request_return(token: str):
    """A return request while the product may be returned: a case in the queue, and its reference."""
    asset = _asset_or_404(token)
    form = PublicReturnForm()

    def apply():
        if form.is_spam:  # look the same as success to the bot, store nothing
            return None
        return returns.request(None, asset, form.reason.data, ReturnCondition(form.condition.data),
                               contact=form.contact())

    def done(requested):
        session["requested"] = requested.case.number if requested else "received"
        return see_other(url_for("public.requested", token=token))

    def refused(refusal: Refusal):
        if refusal.elsewhere:
            form.form_errors.append(refusal.elsewhere)
        return _public_page(asset, ServiceRequestForm(formdata=None), refusal.status, return_form=form)

    return perform(form, apply, done, refused, "public.return")


@bp.post("/<token>/complaint")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def complain(token: str):
    """“Something wrong? Tell us”: on the product's open case, or a new one; the office is alerted."""
    asset = _asset_or_404(token)
    form = QrComplaintForm()

    def apply():
        if form.is_spam:  # look the same as success to the bot, store nothing
            return None
        return complaints.from_qr_page(asset, form.name.data, form.phone.data, form.email.data, form.description.data)

    def done(case):
        session["complained"] = case.number if case else "received"
        return see_other(url_for("public.complaint_received", token=token))

    return perform(form, apply, done, lambda refusal: _public_page(
        asset, ServiceRequestForm(formdata=None), refusal.status, complaint_form=form), "public.complaint")


@bp.get("/<token>/complaint-received")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def complaint_received(token: str):
    return _received(token, "complained", "Thank you for telling us",
                     "Someone from our office will look into it and contact you about your {model}.")


@bp.get("/<token>/requested")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def requested(token: str):
    return _received(token, "requested", "Thank you, we have your request",
                     "We will contact you soon about your {model}.")


def _received(token: str, session_key: str, heading: str, promise: str):
    """The thank-you page after a public form, with the reference the form left in the session;
    without one (a bookmark, a reload elsewhere), the product page."""
    asset = _asset_or_404(token)
    reference = session.get(session_key)
    if not reference:
        return redirect(url_for("public.asset", token=token), code=303)
    return render_template("public/received.html", asset=asset, reference=reference, heading=heading,
                           promise=promise.format(model=asset.product_model.name))


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
                           already_rated=already_rated, maintenance_due=maintenance.due_on(asset),
                           today=schedule.today()), status


@bp.post("/<token>/ask")
@public
@limiter.limit(FORM_LIMIT, exempt_when=_staff)
@limiter.limit(TOKEN_FORM_LIMIT, key_func=_token_key, exempt_when=_staff)
def ask(token: str):
    """A question about the product: a case in the queue, answered by email; the asker gets its reference."""
    asset = _asset_or_404(token)
    form = QuestionForm()

    def apply():
        if form.is_spam:  # look the same as success to the bot, store nothing
            return None
        return cases.question_from_qr(asset, form.asker_name.data, form.asker_email.data, form.question.data)

    def done(case):
        session["asked"] = case.number if case else "received"
        return see_other(url_for("public.asked", token=token))

    def refused(refusal: Refusal):
        return _public_page(asset, ServiceRequestForm(formdata=None), refusal.status, question_form=form)

    return perform(form, apply, done, refused, "public.ask")


@bp.get("/<token>/asked")
@public
@limiter.limit(PAGE_LIMIT, exempt_when=_staff)
def asked(token: str):
    return _received(token, "asked", "Thank you, we have your question",
                     "We will answer by email about your {model}.")
