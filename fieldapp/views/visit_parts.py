"""Parts replaced on a visit: search as you type, add, change, remove."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles
from fieldapp.extensions import db
from fieldapp.forms.visits import AddPartForm, EditPartForm, StepForm
from fieldapp.htmx import render_with_oob, wants_fragment
from fieldapp.models import Role
from fieldapp.params import text_arg
from fieldapp.services import idempotency, parts
from fieldapp.services.visits import VisitError
from fieldapp.views.visit_context import costs_context, page_context, parts_context
from fieldapp.views.visits import load_visit

bp = Blueprint("visit_parts", __name__, url_prefix="/visits/<int:visit_id>/parts")

QUERY_MAX = 60


@bp.get("/search")
@roles(*STAFF)
def search(visit_id: int):
    visit = load_visit(visit_id)
    query = text_arg("q", QUERY_MAX)
    results = parts.search(query)
    context = {"visit": visit, "results": results, "query": query, "add_form": AddPartForm(formdata=None)}
    if wants_fragment():
        return render_template("visits/_part_results.html", **context)
    return render_template("visits/show.html", **page_context(visit, parts={"results": results, "query": query}))


def _respond(visit_id: int, status: int = 200, error: str | None = None, **parts_overrides):
    """The parts section (and the cost lines out of band) for htmx; the page otherwise."""
    if not wants_fragment() and status < 400:
        return redirect(url_for("visits.show", visit_id=visit_id, _anchor="parts"), code=303)
    visit = load_visit(visit_id)  # afresh: the write may have changed it
    if not wants_fragment():
        return render_template("visits/show.html", **page_context(visit, parts=parts_overrides,
                                                                     parts_error=error)), status
    context = {**costs_context(visit), **parts_context(visit, **parts_overrides), "parts_error": error}
    return render_with_oob("visits/_parts.html", ["visits/_cost_lines.html"], status, **context)


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit = load_visit(visit_id)
    form = AddPartForm()
    if not form.validate_on_submit():
        return _respond(visit_id, 422, "Check the part: " + _first_error(form), add_form=form)
    opened = None
    if idempotency.claim(form.client_id.data, "visit.add_part", current_user):
        try:
            part = parts.active_part(form.part_id.data)
            row = parts.add(visit, part, form.quantity.data, form.unit_cost.cents,
                            form.faulty_serial.data, form.replacement_serial.data)
        except VisitError as refused:
            db.session.rollback()
            return _respond(visit_id, refused.status, str(refused), add_form=form)
        db.session.commit()
        opened = row.id
    return _respond(visit_id, open_row=opened)


@bp.post("/<int:row_id>")
@roles(Role.TECHNICIAN)
def update(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    row = parts.row_of(visit, row_id) or abort(404)
    form = EditPartForm()
    if not form.validate_on_submit():
        return _respond(visit_id, 422, "Check the part: " + _first_error(form), failed_row=(row_id, form))
    if idempotency.claim(form.client_id.data, "visit.update_part", current_user):
        try:
            parts.update(visit, row, form.quantity.data, form.unit_cost.cents, form.faulty_serial.data,
                         form.replacement_serial.data, form.covered.data)
        except VisitError as refused:
            db.session.rollback()
            return _respond(visit_id, refused.status, str(refused))
        db.session.commit()
    return _respond(visit_id)


@bp.post("/<int:row_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    form = StepForm()
    if not form.validate_on_submit():
        return _respond(visit_id, 422, _first_error(form))
    row = parts.row_of(visit, row_id)
    if row is None:  # already removed (a double tap): nothing left to do
        return _respond(visit_id)
    if idempotency.claim(form.client_id.data, "visit.remove_part", current_user):
        try:
            parts.remove(visit, row)
        except VisitError as refused:
            db.session.rollback()
            return _respond(visit_id, refused.status, str(refused))
        db.session.commit()
    return _respond(visit_id)


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "invalid input."
