"""Complaints (/complaints/): the office's queue of open complaints, oldest first, with who
handles each; resolved ones; and the recent low ratings still waiting on their case. A complaint
is assigned and resolved here or on its case page (the same forms: complaints/_forms.html), where
the office also logs one that came in by phone, email, chat or in person."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.forms.complaints import AssignForm, ComplaintForm, ResolveComplaintForm, assign_form
from fieldapp.models import Case, ComplaintSource, User
from fieldapp.orm import utcnow
from fieldapp.services import complaints
from fieldapp.values import parse_id
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.params import choice_arg, page_arg
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("complaints", __name__)
case_page = page("case")


def filters_arg(staff: list[User]) -> complaints.QueueFilters:
    """?state= and ?owner= (mine, unassigned or someone in the office); anything else is a 400."""
    state = choice_arg("state", complaints.STATES, _("Unknown list: choose open, resolved or low ratings."), "open")
    owner = request.args.get("owner", "")
    if owner and owner not in complaints.OWNER_CHOICES:
        wanted = parse_id(owner)
        if wanted is None or all(u.id != wanted for u in staff):
            abort(400, _("Unknown owner: choose one from the list."))
    return complaints.QueueFilters(state, owner)


def item_forms(open_complaints, staff: list[User], back: str, refused: Refused | None) -> dict:
    """Assign and resolve forms per open complaint (one nobody handles yet is offered to the
    signed-in user), the refused one in its place."""
    return {c.id: {"assign": form_in(refused, ("assign", c.id)) or assign_form(
                       staff, formdata=None, owner_id=c.owner_id or current_user.id, back=back),
                   "resolve": form_in(refused, ("resolve", c.id)) or ResolveComplaintForm(formdata=None, back=back)}
            for c in open_complaints}


def queue_page(refused: Refused | None = None):
    staff = complaints.office_staff()
    filters = filters_arg(staff)
    queue = complaints.queue(filters, current_user, page_arg())
    forms = item_forms([c for c in queue.rows if filters.state == "open"], staff, "queue", refused)
    action_error = refused.elsewhere if refused else None
    if refused is not None and refused.slot[1] not in forms and action_error is None:
        action_error = _("That complaint is no longer in this list.")
    return render_template("complaints/index.html", queue=queue, filters=filters, states=complaints.STATES,
                           staff=staff, owner_choices=complaints.OWNER_CHOICES, complaint_forms=forms,
                           action_error=action_error, now=utcnow())


@bp.get("/complaints/")
@roles(*OFFICE)
def index():
    return queue_page()


class OnComplaint(OnPage):
    """An action on one complaint, from the queue (its filters in the URL) or its case page (back=case)."""

    def __init__(self, complaint, form, message: str):
        super().__init__(case_page, complaint.case_id, message, to=self._where)
        self.on_case = form.back.data == "case"

    def _where(self, result) -> str:
        if self.on_case:
            return url_for("cases.show", case_id=self.record_id, _anchor="complaints")
        return url_for("complaints.index", **filters_arg(complaints.office_staff()).as_args())

    def refusal(self, refused: Refused):
        if self.on_case:
            return super().refusal(refused)
        return queue_page(refused), refused.status


def _complaint(complaint_id: int):
    return complaints.get(complaint_id) or abort(404)


@bp.post("/complaints/<int:complaint_id>/assign")
@roles(*OFFICE)
def assign(complaint_id: int):
    complaint, form = _complaint(complaint_id), AssignForm()
    form.set_staff(complaints.office_staff())
    return act(form, lambda: complaints.assign(complaint, db.session.get(User, form.owner_id.data), current_user),
               OnComplaint(complaint, form, _("Complaint assigned.")), ("assign", complaint_id))


@bp.post("/complaints/<int:complaint_id>/resolve")
@roles(*OFFICE)
def resolve(complaint_id: int):
    complaint, form = _complaint(complaint_id), ResolveComplaintForm()
    return act(form, lambda: complaints.resolve(complaint, form.resolution.data, form.customer_response.data,
                                                current_user),
               OnComplaint(complaint, form, _("Complaint resolved.")), ("resolve", complaint_id))


@bp.post("/cases/<int:case_id>/complaints")
@roles(*OFFICE)
def log(case_id: int):
    case, form = load_case(case_id), ComplaintForm()
    return act(form, lambda: complaints.log(case, ComplaintSource(form.source.data), form.description.data,
                                            current_user, owner=current_user if form.mine.data else None),
               OnPage(case_page, case_id, _("Complaint logged."), anchor="complaints"), "complaint")


def _case_section(case: Case, refused: Refused | None) -> dict:
    open_complaints = [c for c in case.complaints if c.is_open]
    staff = complaints.office_staff() if open_complaints else []
    return {"complaint_form": form_in(refused, "complaint") or ComplaintForm(formdata=None),
            "complaint_forms": item_forms(open_complaints, staff, "case", refused)}


case_page.add(Section("complaints", "complaints/_case.html", _case_section, order=90))
