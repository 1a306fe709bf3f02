"""The visit page and its workflow: the status steps and the captured report fields."""
from __future__ import annotations

from flask import Blueprint, abort

from fieldapp.forms.visits import FIELD_FORMS, CompleteForm, FirstStepForm, NotCompletedForm, StartTravelForm
from fieldapp.models import NotCompletedReason, Role
from fieldapp.services import visit_report, visits
from fieldapp.views.visits.page import FIELD_SECTIONS, visit_page
from fieldapp.web.actions import act
from fieldapp.web.auth import STAFF, roles
from fieldapp.web.loaders import load_visit
from fieldapp.web.sections import OnPage

bp = Blueprint("visits", __name__, url_prefix="/visits")


@bp.get("/<int:visit_id>")
@roles(*STAFF)
def show(visit_id: int):
    return visit_page.render(load_visit(visit_id))


def on_workflow(visit_id: int) -> OnPage:
    # Back where the technician tapped (without JavaScript; htmx drops a redirect's anchor, see
    # _workflow.html). Refused, the page says why, and marks the fields a step needs.
    return OnPage(visit_page, visit_id, anchor="workflow")


@bp.post("/<int:visit_id>/start-travel")
@roles(Role.TECHNICIAN)
def start_travel(visit_id: int):
    visit, form = load_visit(visit_id), StartTravelForm()
    return act(form, lambda: visits.start_travel(visit, form.happened_at.data, form.other_day.data,
                                                 form.arrival_minutes.data), on_workflow(visit_id), "step")


@bp.post("/<int:visit_id>/arrive")
@roles(Role.TECHNICIAN)
def arrive(visit_id: int):
    visit, form = load_visit(visit_id), FirstStepForm()
    return act(form, lambda: visits.arrive(visit, form.happened_at.data, form.other_day.data),
               on_workflow(visit_id), "step")


@bp.post("/<int:visit_id>/complete")
@roles(Role.TECHNICIAN)
def complete(visit_id: int):
    visit, form = load_visit(visit_id), CompleteForm()
    # Done, back at the steps (now "Completed 14:02"); refused, the page says why at the button.
    return act(form, lambda: visits.complete(visit, form.labour_minutes.data, form.happened_at.data),
               on_workflow(visit_id), "complete")


@bp.post("/<int:visit_id>/not-complete")
@roles(Role.TECHNICIAN)
def not_complete(visit_id: int):
    visit, form = load_visit(visit_id), NotCompletedForm()
    return act(form, lambda: visits.not_complete(visit, NotCompletedReason(form.reason.data), form.note.data,
                                                 form.happened_at.data),
               on_workflow(visit_id), "not_complete")


@bp.post("/<int:visit_id>/fields/<name>")
@roles(Role.TECHNICIAN)
def save_field(visit_id: int, name: str):
    """Save one captured field; htmx gets the field's form back (and the cost lines when they
    changed), others the page. Only the visit's row is loaded: the hot path of a day's work."""
    form_class = FIELD_FORMS.get(name) or abort(404)
    visit = load_visit(visit_id, page=False)
    form = form_class()
    form.prepare(visit)
    return act(form, lambda: visit_report.record(visit, name, form.values(), form.happened_at.data),
               OnPage(visit_page, visit_id, anchor=f"field-{name}", section=FIELD_SECTIONS[name], record=visit),
               ("field", name))
