"""The visit page and its workflow: status steps and the captured report fields."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles
from fieldapp.extensions import db
from fieldapp.forms.visits import FIELD_FORMS, CompleteForm, NotCompletedForm, StepForm, WriteForm
from fieldapp.htmx import render_with_oob, wants_fragment
from fieldapp.models import NotCompletedReason, Role, Visit
from fieldapp.services import idempotency, visits
from fieldapp.views.visit_context import costs_context, field_context, field_form, page_context

bp = Blueprint("visits", __name__, url_prefix="/visits")

COST_FIELDS = {"transport_cost", "payment_status"}


def load_visit(visit_id: int) -> Visit:
    """The visit, if the signed-in user may see it; another technician's visit is a 404."""
    return visits.visible_visit(current_user, visit_id) or abort(404)


@bp.get("/<int:visit_id>")
@roles(*STAFF)
def show(visit_id: int):
    visit = load_visit(visit_id)
    return render_template("visits/show.html", **page_context(visit))


def _page(visit: Visit, status: int, **overrides):
    return render_template("visits/show.html", **page_context(visit, **overrides)), status


def _step(visit_id: int, form: WriteForm, action: str, apply: Callable[[Visit], None], form_key: str | None = None):
    """Run one workflow step once per write id; refusals come back on the page with a message.
    `form_key` names the page's form to replace with the submitted one, errors and all."""
    visit = load_visit(visit_id)
    overrides = {form_key: form} if form_key else {}
    if not form.validate_on_submit():
        return _page(visit, 422, step_error="Check the highlighted field.", **overrides)
    if idempotency.claim(form.client_id.data, action, current_user):
        try:
            apply(visit)
        except visits.IncompleteReport as incomplete:
            db.session.rollback()
            visit = load_visit(visit_id)
            fields = {name: field_context(visit, field_form(visit, name), error=message)
                      for name, message in incomplete.errors.items()}
            return _page(visit, 422, fields=fields, step_error=str(incomplete))
        except visits.VisitError as refused:
            db.session.rollback()
            visit = load_visit(visit_id)
            return _page(visit, refused.status, step_error=str(refused), **overrides)
        db.session.commit()
    # Back where the technician tapped (without JavaScript; htmx drops a redirect's anchor, see _workflow.html).
    return redirect(url_for("visits.show", visit_id=visit_id, _anchor="workflow"), code=303)


@bp.post("/<int:visit_id>/start-travel")
@roles(Role.TECHNICIAN)
def start_travel(visit_id: int):
    return _step(visit_id, StepForm(), "visit.start_travel", visits.start_travel)


@bp.post("/<int:visit_id>/arrive")
@roles(Role.TECHNICIAN)
def arrive(visit_id: int):
    return _step(visit_id, StepForm(), "visit.arrive", visits.arrive)


@bp.post("/<int:visit_id>/complete")
@roles(Role.TECHNICIAN)
def complete(visit_id: int):
    form = CompleteForm()
    return _step(visit_id, form, "visit.complete", lambda v: visits.complete(v, form.labour_minutes.data),
                 "complete_form")


@bp.post("/<int:visit_id>/not-complete")
@roles(Role.TECHNICIAN)
def not_complete(visit_id: int):
    form = NotCompletedForm()
    return _step(visit_id, form, "visit.not_complete",
                 lambda v: visits.not_complete(v, NotCompletedReason(form.reason.data), form.note.data),
                 "not_completed_form")


@bp.post("/<int:visit_id>/fields/<name>")
@roles(Role.TECHNICIAN)
def save_field(visit_id: int, name: str):
    """Save one captured field; htmx gets the field's form back, others the page."""
    form_class = FIELD_FORMS.get(name) or abort(404)
    visit = load_visit(visit_id)
    form = form_class()
    if not form.validate_on_submit():
        return _field_response(visit, form, 422)
    if idempotency.claim(form.client_id.data, f"visit.{name}", current_user):
        try:
            if not form.editable_when_finished:
                visits.ensure_editable(visit)
            form.apply(visit)
        except visits.VisitError as refused:
            db.session.rollback()
            return _field_response(load_visit(visit_id), form, refused.status, str(refused))
        db.session.commit()
    return _field_response(visit, field_form(visit, name), 200, saved=True)


def _field_response(visit: Visit, form, status: int, error: str | None = None, saved: bool = False):
    if not wants_fragment():
        if status == 200:
            return redirect(url_for("visits.show", visit_id=visit.id, _anchor=f"field-{form.name}"), code=303)
        return _page(visit, status, fields={form.name: field_context(visit, form, error=error)})
    context = field_context(visit, form, saved=saved, error=error)
    oob = ["visits/_cost_lines.html"] if form.name in COST_FIELDS and status == 200 else []
    extra = costs_context(visit) if oob else {}
    return render_with_oob("visits/_field.html", oob, status, **{**extra, **context})
