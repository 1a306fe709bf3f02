"""Complaints (/complaints/): the office's queue of open complaints, oldest first, with who
handles each; resolved ones; and the recent low ratings still waiting on their case. A complaint
is assigned and resolved here or on its case page, where the office also logs one that came in
by phone, email, chat or in person."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.extensions import db
from fieldapp.forms.complaints import AssignForm, ComplaintForm, ResolveComplaintForm
from fieldapp.htmx import see_other
from fieldapp.models import ComplaintSource, User
from fieldapp.services import complaints
from fieldapp.views.case_context import case_context
from fieldapp.views.cases import act_on_case
from fieldapp.views.complaint_context import filters_arg, queue_context
from fieldapp.views.loaders import load_case
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("complaints", __name__)


@bp.get("/complaints/")
@roles(*OFFICE)
def index():
    return render_template("complaints/index.html", **queue_context())


def _act(complaint_id: int, form, kind: str, apply, message: str):
    """An action on one complaint, from the queue (its filters in the URL) or its case page (back=case)."""
    complaint = complaints.get(complaint_id) or abort(404)
    case_id = complaint.case_id
    on_case = form.back.data == "case"

    def finished(_):
        flash(message, "success")
        if on_case:
            return see_other(url_for("cases.show", case_id=case_id, _anchor="complaints"))
        return see_other(url_for("complaints.index", **filters_arg(complaints.office_staff()).as_args()))

    def refused(refusal: Refusal):
        if on_case:
            return render_template("cases/show.html", **case_context(
                load_case(case_id), action_error=refusal.elsewhere,
                complaint_refused=(complaint_id, kind, form))), refusal.status
        return render_template("complaints/index.html", **queue_context(
            (complaint_id, kind, form), refusal.elsewhere)), refusal.status

    return perform(form, lambda: apply(complaint), finished, refused)


@bp.post("/complaints/<int:complaint_id>/assign")
@roles(*OFFICE)
def assign(complaint_id: int):
    form = AssignForm()
    form.set_staff(complaints.office_staff())
    return _act(complaint_id, form, "assign", lambda complaint: complaints.assign(
        complaint, db.session.get(User, form.owner_id.data), current_user), "Complaint assigned.")


@bp.post("/complaints/<int:complaint_id>/resolve")
@roles(*OFFICE)
def resolve(complaint_id: int):
    form = ResolveComplaintForm()
    return _act(complaint_id, form, "resolve", lambda complaint: complaints.resolve(
        complaint, form.resolution.data, form.customer_response.data, current_user),
        "Complaint resolved.")


@bp.post("/cases/<int:case_id>/complaints")
@roles(*OFFICE)
def log(case_id: int):
    form = ComplaintForm()
    return act_on_case(case_id, form, lambda case: complaints.log(
        case, ComplaintSource(form.source.data), form.description.data, current_user,
        owner=current_user if form.mine.data else None), "Complaint logged.", "complaint_form", anchor="complaints")
