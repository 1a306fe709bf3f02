"""/my/…: the pages a customer opens from the links in our messages, without an account. Each
link has one purpose (services/customer_links.py): the request's status page, a visit's confirm /
move / cancel page, the survey, and unsubscribing. Nothing here shows what the customer does not
already know: no other customer, no internal note, of the staff only the technician's first name.
An expired or revoked link gets a friendly page with how to reach us (410), never a 404 page."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from fieldapp import clock, formats, languages
from fieldapp.documents import report as report_document
from fieldapp.extensions import csrf, limiter
from fieldapp.forms import ActionForm
from fieldapp.forms.customer_links import (
    CancelVisitForm, ConfirmVisitForm, CustomerMessageForm, MoveVisitForm, SurveyForm,
)
from fieldapp.forms.ratings import ASPECT_LABELS
from fieldapp.models import CaseStatus, CustomerLink, LinkPurpose, Visit, VisitStatus
from fieldapp.services import customer_answers, customer_links, notify, photos, reports
from fieldapp.services.customer_links import Refusal
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import public
from fieldapp.web.downloads import content_disposition
from fieldapp.web.htmx import see_other

bp = Blueprint("my", __name__, url_prefix="/my")

PAGE_LIMIT = "60 per minute"
TOKEN_PAGE_LIMIT = "300 per hour"
FORM_LIMIT = "10 per minute; 60 per hour"
TOKEN_FORM_LIMIT = "30 per hour"


def _token_key() -> str:
    return "my:" + (request.view_args or {}).get("token", "")


def _limited(limit: str, token_limit: str):
    def wrap(view):
        return limiter.limit(limit)(limiter.limit(token_limit, key_func=_token_key)(view))
    return wrap


@bp.after_request
def private_page(response):
    # The token must not leak to other sites (Referer), nor the page to search engines or caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


class LinkRefused(Exception):
    def __init__(self, link: CustomerLink | None, refusal: Refusal):
        self.link, self.refusal = link, refusal


@bp.errorhandler(LinkRefused)
def _refused_link(error: LinkRefused):
    status = 404 if error.refusal is Refusal.UNKNOWN else 410
    case = error.link.case if error.link is not None else None
    page = render_template("public/my/refused.html", refusal=error.refusal.value, case=case,
                           phone=current_app.config["COMPANY_PHONE"], email=current_app.config["COMPANY_EMAIL"])
    return page, status


def _link(token: str, purpose: LinkPurpose) -> CustomerLink:
    link, refusal = customer_links.find(token, purpose)
    customer = customer_answers.customer_of(link) if link is not None else None
    if customer is not None:
        languages.for_recipient(customer.language)
    if refusal is not None:
        raise LinkRefused(link, refusal)
    return link


# --- The status page ----------------------------------------------------------------------------------------

def status_sentence(case) -> str:
    """Where the request stands, in the customer's words."""
    words = {
        CaseStatus.NEW: _("We have your request and will look at it shortly."),
        CaseStatus.ASSESSING: _("We are looking at your request."),
        CaseStatus.REMOTE_SUPPORT: _("We are helping you remotely."),
        CaseStatus.VISIT_NEEDED: _("A technician needs to visit you. We will contact you to plan the visit."),
        CaseStatus.SCHEDULED: _("A visit is planned."),
        CaseStatus.IN_PROGRESS: _("Our technician is working on it."),
        CaseStatus.WAITING_CUSTOMER: _("We are waiting for an answer from you."),
        CaseStatus.WAITING_PARTS: _("We are waiting for parts. We will contact you when they arrive."),
        CaseStatus.RESOLVED: _("Solved. We will close the request soon."),
        CaseStatus.CLOSED: _("Done: your request is closed."),
        CaseStatus.CANCELLED: _("Your request was cancelled."),
        CaseStatus.REOPENED: _("We are looking at your request again."),
    }
    return words[case.status]


def _status_page(link: CustomerLink, refused: Refused | None = None, sent: bool = False):
    case = link.case
    visits = sorted(case.visits, key=lambda v: (v.scheduled_start, v.id))
    upcoming = [v for v in visits if v.status in (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING,
                                                  VisitStatus.ON_SITE)]
    past = [v for v in visits if v.status in (VisitStatus.COMPLETED, VisitStatus.NOT_COMPLETED)]
    surveys = [s for s in (customer_links.live(LinkPurpose.SURVEY, visit_id=v.id) for v in past
                           if v.rating is None) if s is not None]
    page = render_template(
        "public/my/status.html", link=link, case=case, sentence=status_sentence(case), next_visit=upcoming[0] if
        upcoming else None, past=list(reversed(past)), surveys=surveys, first_name=notify.first_name,
        visit_link=customer_links.live(LinkPurpose.VISIT, visit_id=upcoming[0].id) if upcoming else None,
        report_ready=case.status is CaseStatus.CLOSED,
        messages=customer_answers.messages_for(case.id)[:5], sent=sent,
        form=form_in(refused, "message") or CustomerMessageForm(formdata=None))
    return page, refused.status if refused else 200


@bp.get("/<token>")
@public
@_limited(PAGE_LIMIT, TOKEN_PAGE_LIMIT)
def status(token: str):
    return _status_page(_link(token, LinkPurpose.STATUS), sent=request.args.get("sent") == "1")


class _BackToStatus:
    def __init__(self, link: CustomerLink):
        self.link = link

    def success(self, _result):
        return see_other(url_for("my.status", token=self.link.token, sent=1) + "#message")

    def refusal(self, refused: Refused):
        return _status_page(self.link, refused)


@bp.post("/<token>/message")
@public
@_limited(FORM_LIMIT, TOKEN_FORM_LIMIT)
def write(token: str):
    link, form = _link(token, LinkPurpose.STATUS), CustomerMessageForm()

    def change():
        if form.is_spam:
            return None
        photo = form.photo.data.read(photos.max_bytes() + 1) if form.photo.data else None
        return customer_answers.write_to_office(link, form.body.data, photo)
    return act(form, change, _BackToStatus(link), "message")


@bp.get("/<token>/report.pdf")
@public
@_limited(PAGE_LIMIT, TOKEN_PAGE_LIMIT)
def report_pdf(token: str):
    link = _link(token, LinkPurpose.STATUS)
    case = link.case
    if case.status is not CaseStatus.CLOSED:
        raise LinkRefused(link, Refusal.UNKNOWN)
    with languages.for_customer(case.customer):
        report = reports.build(case)
        data = report_document.render_pdf(report)
        name = report_document.filename(report)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


# --- A visit: confirm, move, cancel -------------------------------------------------------------------------

def _slot_label(slot) -> str:
    return f"{formats.weekday_day(clock.local_day(slot.start))} · {formats.time_of_day(slot.start)}–" \
           f"{formats.time_of_day(slot.end)}"


def _visit_page(link: CustomerLink, refused: Refused | None = None, done: str | None = None):
    visit = link.visit
    changeable = customer_answers.can_change(visit)
    slots = customer_answers.free_slots(visit) if changeable else []
    move_form = form_in(refused, "move") or MoveVisitForm(formdata=None, version=visit.schedule_version)
    move_form.offer(slots, _slot_label)
    move_form.version.data = visit.schedule_version
    cancel_form = form_in(refused, "cancel") or CancelVisitForm(formdata=None)
    cancel_form.version.data = visit.schedule_version
    confirm_form = ConfirmVisitForm(formdata=None)
    confirm_form.version.data = visit.schedule_version
    page = render_template(
        "public/my/visit.html", link=link, visit=visit, case=visit.case, technician=notify.first_name(
            visit.technician.name), changeable=changeable, move_form=move_form, cancel_form=cancel_form,
        confirm_form=confirm_form, done=done, refused=refused, status_link=_status_link(visit),
        phone=current_app.config["COMPANY_PHONE"])
    return page, refused.status if refused else 200


def _status_link(visit: Visit) -> str | None:
    link = customer_links.live(LinkPurpose.STATUS, case_id=visit.case_id)
    return url_for("my.status", token=link.token) if link is not None else None


@bp.get("/visit/<token>")
@public
@_limited(PAGE_LIMIT, TOKEN_PAGE_LIMIT)
def visit(token: str):
    return _visit_page(_link(token, LinkPurpose.VISIT), done=request.args.get("done"))


class _BackToVisit:
    def __init__(self, link: CustomerLink, done: str, slot: str):
        self.link, self.done, self.slot = link, done, slot

    def success(self, _result):
        if self.done == "cancelled":  # the link ends with the visit: the status page tells the rest
            status = _status_link(self.link.visit)
            if status:
                return see_other(status)
        return see_other(url_for("my.visit", token=self.link.token, done=self.done))

    def refusal(self, refused: Refused):
        refused.slot = self.slot
        return _visit_page(self.link, refused)


@bp.post("/visit/<token>/confirm")
@public
@_limited(FORM_LIMIT, TOKEN_FORM_LIMIT)
def confirm(token: str):
    link, form = _link(token, LinkPurpose.VISIT), ConfirmVisitForm()
    return act(form, lambda: customer_answers.confirm(link.visit, form.version.data),
               _BackToVisit(link, "confirmed", "confirm"), "confirm")


@bp.post("/visit/<token>/move")
@public
@_limited(FORM_LIMIT, TOKEN_FORM_LIMIT)
def move(token: str):
    link, form = _link(token, LinkPurpose.VISIT), MoveVisitForm()
    return act(form, lambda: customer_answers.move(link.visit, form.start.data, form.version.data),
               _BackToVisit(link, "moved", "move"), "move")


@bp.post("/visit/<token>/cancel")
@public
@_limited(FORM_LIMIT, TOKEN_FORM_LIMIT)
def cancel(token: str):
    link, form = _link(token, LinkPurpose.VISIT), CancelVisitForm()
    return act(form, lambda: customer_answers.cancel(link.visit, form.reason.data, form.version.data),
               _BackToVisit(link, "cancelled", "cancel"), "cancel")


# --- The survey ---------------------------------------------------------------------------------------------

def _survey_page(link: CustomerLink, form: SurveyForm, status: int = 200):
    visit = link.visit
    return render_template("public/my/survey.html", link=link, visit=visit, form=form,
                           technician=notify.first_name(visit.technician.name), aspects=ASPECT_LABELS), status


class _Rated:
    def __init__(self, link: CustomerLink, form: SurveyForm):
        self.link, self.form = link, form

    def success(self, _result):
        return see_other(url_for("my.survey_thanks", token=self.link.token))

    def refusal(self, refused: Refused):
        return _survey_page(self.link, self.form, refused.status)


@bp.route("/survey/<token>", methods=["GET", "POST"])
@public
@_limited(PAGE_LIMIT, TOKEN_FORM_LIMIT)
def survey(token: str):
    link = _link(token, LinkPurpose.SURVEY)
    form = SurveyForm()
    if request.method == "GET":
        return _survey_page(link, form)
    return act(form, lambda: customer_answers.rate(link, form.scores(), form.comments.data, form.complaint.data),
               _Rated(link, form))


@bp.get("/survey/<token>/thanks")
@public
@_limited(PAGE_LIMIT, TOKEN_PAGE_LIMIT)
def survey_thanks(token: str):
    link, refusal = customer_links.find(token, LinkPurpose.SURVEY)
    if refusal not in (None, Refusal.USED):
        raise LinkRefused(link, refusal)
    return render_template("public/my/thanks.html", link=link, status_link=_status_link(link.visit))


# --- Unsubscribing ------------------------------------------------------------------------------------------

@bp.get("/stop/<token>")
@public
@_limited(PAGE_LIMIT, TOKEN_PAGE_LIMIT)
def stop(token: str):
    link = _link(token, LinkPurpose.UNSUBSCRIBE)
    return render_template("public/my/stop.html", link=link, form=ActionForm(formdata=None),
                           stopped=notify.opted_out(link.address))


class _Stopped:
    def __init__(self, link: CustomerLink):
        self.link = link

    def success(self, _result):
        if request.form.get("List-Unsubscribe") == "One-Click":
            return Response(status=204)  # a mail client's one click (RFC 8058): no page wanted
        return see_other(url_for("my.stop", token=self.link.token))

    def refusal(self, refused: Refused):
        return render_template("public/my/stop.html", link=self.link, form=refused.form, stopped=False), refused.status


@bp.post("/stop/<token>")
@public
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" without a page; the token is the key
@_limited(FORM_LIMIT, TOKEN_FORM_LIMIT)
def stop_post(token: str):
    link = _link(token, LinkPurpose.UNSUBSCRIBE)
    form = ActionForm(meta={"csrf": False})
    return act(form, lambda: customer_answers.unsubscribe(link), _Stopped(link))
