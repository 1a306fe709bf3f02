"""Parts replaced on a visit: search as you type, add, change, remove."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for

from fieldapp.auth import STAFF, roles
from fieldapp.forms.visits import AddPartForm, EditPartForm, StepForm
from fieldapp.htmx import respond, see_other, wants_fragment
from fieldapp.models import Role
from fieldapp.params import text_arg
from fieldapp.services import parts, visits
from fieldapp.views.visit_context import costs_context, page_context, parts_context
from fieldapp.views.loaders import load_visit
from fieldapp.views.writes import Refusal, perform

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
        return see_other(url_for("visits.show", visit_id=visit_id, _anchor="parts"))
    visit = load_visit(visit_id)  # afresh: the write may have changed it
    context = {**page_context(visit, parts=parts_overrides), "parts_error": error} if not wants_fragment() else {
        **costs_context(visit), **parts_context(visit, **parts_overrides), "parts_error": error}
    return respond("visits/show.html", "visits/_parts.html", context, status, ["visits/_cost_lines.html"])


def _refused(visit_id: int, form, **parts_overrides):
    def refused(refusal: Refusal):
        message = "Check the part: " + _first_error(form) if refusal.on_form else refusal.message
        return _respond(visit_id, refusal.status, message, **parts_overrides)
    return refused


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit = load_visit(visit_id)
    form = AddPartForm()

    def apply():
        row = parts.add(visit, parts.active_part(form.part_id.data), form.quantity.data, form.unit_cost.cents,
                        form.faulty_serial.data, form.replacement_serial.data)
        if form.happened_at.data:  # added on an offline phone: when it was fitted
            row.created_at = visits.technician_time(visit, form.happened_at.data)
        return row

    return perform(form, apply, lambda row: _respond(visit_id, open_row=row.id if row else None),
                   _refused(visit_id, form, add_form=form), "visit.add_part")


@bp.post("/<int:row_id>")
@roles(Role.TECHNICIAN)
def update(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    row = parts.row_of(visit, row_id) or abort(404)
    form = EditPartForm()

    def apply():
        visits.technician_time(visit, form.happened_at.data)
        parts.update(visit, row, form.quantity.data, form.unit_cost.cents, form.faulty_serial.data,
                     form.replacement_serial.data, form.covered.data)

    return perform(form, apply, lambda _: _respond(visit_id), _refused(visit_id, form, failed_row=(row_id, form)),
                   "visit.update_part")


@bp.post("/<int:row_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    row = parts.row_of(visit, row_id)
    form = StepForm()

    def apply():
        visits.technician_time(visit, form.happened_at.data)
        if row is not None:  # None after a double tap: nothing left to do
            parts.remove(visit, row)

    return perform(form, apply, lambda _: _respond(visit_id), _refused(visit_id, form), "visit.remove_part")


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "invalid input."
