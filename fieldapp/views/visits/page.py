"""The visit page (/visits/<id>) and its sections: one builder per swap target, and the page is
their union, so a fragment can never render without what it needs (web/sections.py).

The technician's phone keeps this page for a day without signal, with every step's form on it
(those not open yet hidden): offline capture fills them in from the phone's queue.
"""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _

from fieldapp import clock, money
from fieldapp.forms.visits import (
    ARRIVAL_MINUTES, FIELD_FORMS, AddPartForm, CompleteForm, EditPartForm, NotCompletedForm, PhotoForm, StepForm,
    VisitFieldForm,
)
from fieldapp.models import Visit, VisitStatus
from fieldapp.orm import utcnow
from fieldapp.services import costs, visit_report, visits
from fieldapp.web.actions import Refused, form_in
from fieldapp.web.loaders import load_visit
from fieldapp.web.sections import Section, page

CAPTURE_ORDER = ["service_type", "outcome", "fault_codes", "actions_taken", "preventative_advice", "follow_up",
                 "next_steps"]
COST_FIELDS = ("transport_cost", "other_cost", "payment_status")


def _base(visit: Visit) -> dict:
    return {"visit": visit, "case": visit.case, "asset": visit.case.asset, "customer": visit.case.customer,
            "editable": not visit.status.is_finished}


def _url(visit_id: int, **anchor) -> str:
    return url_for("visits.show", visit_id=visit_id, **anchor)


visit_page = page("visit").define("visits/show.html", load=load_visit, base=_base, url=_url)


# --- The captured fields: each its own form and swap target ---------------------------------------

def field_form(visit: Visit, name: str) -> VisitFieldForm:
    form = FIELD_FORMS[name](formdata=None)
    form.prepare(visit)
    form.load(visit)
    return form


def field_context(visit: Visit, name: str, refused: Refused | None) -> dict:
    """One field: the refused form (or a fresh one from the visit), and the refusal's message
    for it (a step refused for a field left empty marks that field too)."""
    submitted = form_in(refused, ("field", name))
    error = refused.elsewhere if submitted is not None else (refused.errors.get(name) if refused else None)
    form = submitted or field_form(visit, name)
    tips = visit.case.asset.product_model.care_tip_list if name == "preventative_advice" and visit.case.asset else []
    return {"visit": visit, "form": form, "field_error": error, "tips": tips,
            "editable": visit_report.editable(visit, name)}


def _costs(visit: Visit, refused: Refused | None) -> dict:
    coverage = costs.coverage_for(visit)
    return {"costs": costs.breakdown(visit), "coverage": coverage,
            "covered_items": costs.covered_items(coverage) if coverage else None}


cost_lines = Section("cost-lines", "visits/_cost_lines.html", _costs, slot=None)


def field_section(name: str) -> Section:
    """Field `name` alone, for its htmx swap (with the cost lines when it changes a cost)."""
    oob = (cost_lines,) if name in COST_FIELDS else ()
    return Section(f"field-{name}", "visits/_field.html",
                   lambda visit, refused: field_context(visit, name, refused), slot=None, oob=oob)


FIELD_SECTIONS = {name: field_section(name) for name in FIELD_FORMS}


# --- The page's sections -------------------------------------------------------------------------

def _head(visit: Visit, refused: Refused | None) -> dict:
    coverage = costs.coverage_for(visit)
    return {"coverage": coverage, "badge": costs.coverage_badge(coverage.kind if coverage else None),
            "covered_items": costs.covered_items(coverage) if coverage else None,
            "history": visits.asset_history(visit)}


STEP_SLOTS = {"step": "workflow", "not_complete": "workflow", "complete": "finish", "handover": "finish"}


def _step_error(refused: Refused | None) -> dict:
    """A refused step says why in the section its button is in."""
    at = STEP_SLOTS.get(refused.slot) if refused is not None else None
    return {"step_error": refused.message if at else None, "error_at": at}


def _workflow(visit: Visit, refused: Refused | None) -> dict:
    return {
        "step_form": StepForm(formdata=None), "arrival_choices": ARRIVAL_MINUTES,
        # Planned for another day: the first step asks the technician to confirm (offline too).
        "other_day": clock.day_text(clock.local_day(visit.scheduled_start))
        if visits.planned_for_another_day(visit) else None,
        "not_completed_form": form_in(refused, "not_complete") or NotCompletedForm(formdata=None),
        **_step_error(refused),
    }


def _finish(visit: Visit, refused: Refused | None) -> dict:
    complete_form = form_in(refused, "complete")
    if complete_form is None:
        complete_form = CompleteForm(formdata=None)
        if visit.status is VisitStatus.ON_SITE and visit.arrived_at:
            complete_form.labour_minutes.data = max(0, round((utcnow() - visit.arrived_at) / timedelta(minutes=1)))
    return {"step_form": StepForm(formdata=None), "arrival_choices": ARRIVAL_MINUTES, "complete_form": complete_form,
            **_step_error(refused)}


def _report(visit: Visit, refused: Refused | None) -> dict:
    return {"fields": {name: field_context(visit, name, refused) for name in CAPTURE_ORDER}}


def part_row_form(row) -> EditPartForm:
    return EditPartForm(formdata=None, quantity=row.quantity, unit_cost=money.as_input(row.unit_cost_cents),
                        faulty_serial=row.faulty_serial, replacement_serial=row.replacement_serial, covered=row.covered,
                        repaired=row.repaired)


def _slot_kind(refused: Refused | None):
    if refused is None:
        return None
    return refused.slot[0] if isinstance(refused.slot, tuple) else refused.slot


def _parts(visit: Visit, refused: Refused | None) -> dict:
    """Slots: "add-part", ("part", row id) for a row's changes, ("remove-part", row id)."""
    kind = _slot_kind(refused)
    error = None
    if kind in ("add-part", "part", "remove-part"):
        error = (_("Check the part: %(error)s", error=_first_error(refused.form)) if refused.on_form
                 else refused.message)
    return {"part_rows": [(row, form_in(refused, ("part", row.id)) or part_row_form(row)) for row in visit.parts],
            "add_form": form_in(refused, "add-part") or AddPartForm(formdata=None),
            "open_row": refused.slot[1] if kind == "part" else None, "results": None, "query": "",
            "parts_error": error}


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return _("invalid input.")


def _costs_section(visit: Visit, refused: Refused | None) -> dict:
    return {**_costs(visit, refused), **{name: field_context(visit, name, refused) for name in COST_FIELDS}}


def _photos(visit: Visit, refused: Refused | None) -> dict:
    photo_refused = refused is not None and refused.slot in ("photo", "remove-photo")
    error = None
    if photo_refused and refused.slot == "remove-photo":
        error = _("This form is out of date; reload the page.") if refused.on_form else refused.message
    elif photo_refused and not refused.invalid_form:  # refused by the service: announced as well
        error = refused.message
    return {"photo_form": form_in(refused, "photo") or PhotoForm(formdata=None), "photo_error": error}


parts_section = visit_page.add(Section("parts", "visits/_parts.html", _parts, order=50, oob=(cost_lines,)))
photos_section = visit_page.add(Section("photos", "visits/_photos.html", _photos, order=70))
for _section in (
    Section("head", "visits/_history.html", _head, order=10),
    Section("workflow", "visits/_workflow.html", _workflow, order=20),
    Section("report", "visits/_report.html", _report, order=30),
    Section("costs", "visits/_costs.html", _costs_section, order=60),
    Section("finish", "visits/_finish.html", _finish, order=80),
):
    visit_page.add(_section)
