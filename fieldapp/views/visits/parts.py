"""Parts replaced on a visit: search as you type, add, change, remove. htmx swaps the parts
section (and the cost lines out of band); without JavaScript each action comes back to the page."""
from __future__ import annotations

from flask import Blueprint, abort

from fieldapp.forms.visits import AddPartForm, EditPartForm, StepForm
from fieldapp.models import Role
from fieldapp.services import parts, visits
from fieldapp.views.visits.page import parts_section, visit_page
from fieldapp.web.actions import act
from fieldapp.web.auth import STAFF, roles
from fieldapp.web.loaders import load_visit
from fieldapp.web.params import text_arg
from fieldapp.web.sections import OnPage, Section

bp = Blueprint("visit_parts", __name__, url_prefix="/visits/<int:visit_id>/parts")

QUERY_MAX = 60


def on_parts(visit_id: int, extra=None) -> OnPage:
    return OnPage(visit_page, visit_id, anchor="parts", section=parts_section, extra=extra)


results_section = Section("part-results", "visits/_part_results.html",
                          lambda visit, refused: {"add_form": AddPartForm(formdata=None)}, slot=None)


@bp.get("/search")
@roles(*STAFF)
def search(visit_id: int):
    """The results for htmx; without JavaScript, the page with the results under the search."""
    query = text_arg("q", QUERY_MAX)
    return visit_page.respond(load_visit(visit_id), results_section, results=parts.search(query), query=query)


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit, form = load_visit(visit_id), AddPartForm()

    def change():
        row = parts.add(visit, parts.active_part(form.part_id.data), form.quantity.data, form.unit_cost.cents,
                        form.faulty_serial.data, form.replacement_serial.data)
        if form.happened_at.data:  # added on an offline phone: when it was fitted
            row.created_at = visits.technician_time(visit, form.happened_at.data)
        return row

    return act(form, change, on_parts(visit_id, lambda row: {"open_row": row.id if row else None}), "add-part")


@bp.post("/<int:row_id>")
@roles(Role.TECHNICIAN)
def update(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    row = parts.row_of(visit, row_id) or abort(404)
    form = EditPartForm()

    def change():
        visits.technician_time(visit, form.happened_at.data)
        parts.update(visit, row, form.quantity.data, form.unit_cost.cents, form.faulty_serial.data,
                     form.replacement_serial.data, form.covered.data, form.repaired.data)

    return act(form, change, on_parts(visit_id), ("part", row_id))


@bp.post("/<int:row_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, row_id: int):
    visit = load_visit(visit_id)
    row = parts.row_of(visit, row_id)
    form = StepForm()

    def change():
        visits.technician_time(visit, form.happened_at.data)
        if row is not None:  # None after a double tap: nothing left to do
            parts.remove(visit, row)

    return act(form, change, on_parts(visit_id), ("remove-part", row_id))
