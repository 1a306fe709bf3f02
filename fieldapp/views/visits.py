"""The visit page and its workflow: status steps and the captured report fields."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template, url_for

from fieldapp.auth import STAFF, roles
from fieldapp.forms.visits import FIELD_FORMS, CompleteForm, NotCompletedForm, StepForm, WriteForm
from fieldapp.htmx import respond, see_other, wants_fragment
from fieldapp.models import NotCompletedReason, Role, Visit
from fieldapp.services import visits
from fieldapp.views.loaders import load_visit
from fieldapp.views.visit_context import costs_context, field_context, field_form, page_context
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("visits", __name__, url_prefix="/visits")

COST_FIELDS = {"transport_cost", "other_cost", "payment_status"}


@bp.get("/<int:visit_id>")
@roles(*STAFF)
def show(visit_id: int):
    visit = load_visit(visit_id)
    return render_template("visits/show.html", **page_context(visit))


def _page(visit: Visit, status: int, **overrides):
    return render_template("visits/show.html", **page_context(visit, **overrides)), status


def _step(visit_id: int, form: WriteForm, action: str, apply: Callable[[Visit], None], form_key: str | None = None):
    """One workflow step; a refusal comes back on the page with its message, and the fields it
    names (completing without an outcome, say) are marked where they are on the page.
    `form_key` names the page's form to replace with the submitted one, errors and all."""
    visit = load_visit(visit_id)

    def refused(refusal: Refusal):
        fresh = load_visit(visit_id)  # after the rollback
        fields = {name: field_context(fresh, field_form(fresh, name), error=message)
                  for name, message in refusal.errors.items() if name in FIELD_FORMS}
        return _page(fresh, refusal.status, fields=fields, step_error=refusal.message,
                     **({form_key: form} if form_key else {}))

    def done(_):
        # Back where the technician tapped (without JavaScript; htmx drops a redirect's anchor,
        # see _workflow.html).
        return see_other(url_for("visits.show", visit_id=visit_id, _anchor="workflow"))

    return perform(form, lambda: apply(visit), done, refused, action)


@bp.post("/<int:visit_id>/start-travel")
@roles(Role.TECHNICIAN)
def start_travel(visit_id: int):
    form = StepForm()
    return _step(visit_id, form, "visit.start_travel", lambda v: visits.start_travel(v, form.happened_at.data))


@bp.post("/<int:visit_id>/arrive")
@roles(Role.TECHNICIAN)
def arrive(visit_id: int):
    form = StepForm()
    return _step(visit_id, form, "visit.arrive", lambda v: visits.arrive(v, form.happened_at.data))


@bp.post("/<int:visit_id>/complete")
@roles(Role.TECHNICIAN)
def complete(visit_id: int):
    form = CompleteForm()
    return _step(visit_id, form, "visit.complete", lambda v: visits.complete(v, form.labour_minutes.data, form.happened_at.data),
                 "complete_form")


@bp.post("/<int:visit_id>/not-complete")
@roles(Role.TECHNICIAN)
def not_complete(visit_id: int):
    form = NotCompletedForm()
    return _step(visit_id, form, "visit.not_complete",
                 lambda v: visits.not_complete(v, NotCompletedReason(form.reason.data), form.note.data,
                                                 form.happened_at.data),
                 "not_completed_form")


@bp.post("/<int:visit_id>/fields/<name>")
@roles(Role.TECHNICIAN)
def save_field(visit_id: int, name: str):
    """Save one captured field; htmx gets the field's form back (and the cost lines when they
    changed), others the page."""
    form_class = FIELD_FORMS.get(name) or abort(404)
    visit = load_visit(visit_id, page=False)
    form = form_class()
    form.prepare(visit)

    def apply():
        if not form.editable_when_finished:
            visits.ensure_editable(visit)
        visits.technician_time(visit, form.happened_at.data)  # a queued change's time, checked like a step's
        form.apply(visit)

    def done(_):
        if not wants_fragment():
            return see_other(url_for("visits.show", visit_id=visit.id, _anchor=f"field-{name}"))
        return _field_response(visit, field_form(visit, name), 200, saved=True)

    def refused(refusal: Refusal):
        return _field_response(load_visit(visit_id), form, refusal.status, refusal.elsewhere)

    return perform(form, apply, done, refused, f"visit.{name}")


def _field_response(visit: Visit, form, status: int, error: str | None = None, saved: bool = False):
    context = field_context(visit, form, saved=saved, error=error)
    if not wants_fragment():
        return _page(visit, status, fields={form.name: context})
    oob = ["visits/_cost_lines.html"] if form.name in COST_FIELDS and status == 200 else []
    return respond("visits/show.html", "visits/_field.html", {**(costs_context(visit) if oob else {}), **context},
                   status, oob)
