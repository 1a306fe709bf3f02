"""Template context for the visit page and its fragments: one builder per swap target, and the
page context is their union, so a fragment can never render without what it needs."""
from __future__ import annotations

from datetime import timedelta

from fieldapp.forms.visits import (
    FIELD_FORMS, AddPartForm, CompleteForm, EditPartForm, NotCompletedForm, PhotoForm, StepForm,
    VisitFieldForm,
)
from fieldapp.models import Visit, VisitStatus
from fieldapp.orm import utcnow
from fieldapp.services import costs, visits

CAPTURE_ORDER = ["service_type", "outcome", "fault_codes", "actions_taken", "preventative_advice", "follow_up", "next_steps"]


def editable(visit: Visit) -> bool:
    return not visit.status.is_finished


def field_form(visit: Visit, name: str) -> VisitFieldForm:
    form = FIELD_FORMS[name](formdata=None)
    form.prepare(visit)
    form.load(visit)
    return form


def field_context(visit: Visit, form: VisitFieldForm, saved: bool = False, error: str | None = None) -> dict:
    tips = visit.case.asset.product_model.care_tip_list if (form.name == "preventative_advice" and visit.case.asset) else []
    return {"visit": visit, "form": form, "saved": saved, "field_error": error, "tips": tips,
            "editable": editable(visit) or form.editable_when_finished}


def workflow_context(visit: Visit, complete_form: CompleteForm | None = None,
                     not_completed_form: NotCompletedForm | None = None, step_error: str | None = None) -> dict:
    if complete_form is None:
        complete_form = CompleteForm(formdata=None)
        if visit.status is VisitStatus.ON_SITE and visit.arrived_at:
            complete_form.labour_minutes.data = max(0, round((utcnow() - visit.arrived_at) / timedelta(minutes=1)))
    return {
        "visit": visit,
        "step_form": StepForm(formdata=None),
        "complete_form": complete_form,
        "not_completed_form": not_completed_form or NotCompletedForm(formdata=None),
        "step_error": step_error,
    }


def parts_context(visit: Visit, add_form: AddPartForm | None = None, failed_row: tuple[int, EditPartForm] | None = None,
                  open_row: int | None = None, results=None, query: str = "") -> dict:
    rows = []
    for row in visit.parts:
        if failed_row and failed_row[0] == row.id:
            form = failed_row[1]
        else:
            form = EditPartForm(formdata=None, quantity=row.quantity, unit_cost=f"{row.unit_cost_cents / 100:.2f}",
                                faulty_serial=row.faulty_serial, replacement_serial=row.replacement_serial,
                                covered=row.covered)
        rows.append((row, form))
    return {"visit": visit, "part_rows": rows, "add_form": add_form or AddPartForm(formdata=None),
            "open_row": failed_row[0] if failed_row else open_row, "results": results, "query": query,
            "editable": editable(visit)}


def costs_context(visit: Visit, payment_form: VisitFieldForm | None = None) -> dict:
    coverage = costs.coverage_for(visit)
    return {"visit": visit, "costs": costs.breakdown(visit), "coverage": coverage,
            "payment": field_context(visit, payment_form or field_form(visit, "payment_status")),
            "transport": field_context(visit, field_form(visit, "transport_cost")),
            "other": field_context(visit, field_form(visit, "other_cost"))}


def photos_context(visit: Visit, photo_form: PhotoForm | None = None) -> dict:
    return {"visit": visit, "photo_form": photo_form or PhotoForm(formdata=None), "editable": editable(visit)}


def page_context(visit: Visit, fields: dict[str, dict] | None = None, **overrides) -> dict:
    """Everything the visit page shows. `fields` replaces the context of failed field forms."""
    coverage = costs.coverage_for(visit)
    captured = {name: field_context(visit, field_form(visit, name)) for name in CAPTURE_ORDER}
    captured.update(fields or {})
    context = {
        "visit": visit,
        "case": visit.case,
        "asset": visit.case.asset,
        "customer": visit.case.customer,
        "coverage": coverage,
        "badge": costs.coverage_badge(coverage),
        "history": visits.asset_history(visit),
        "fields": captured,
    }
    context.update(workflow_context(visit, overrides.pop("complete_form", None),
                                    overrides.pop("not_completed_form", None), overrides.pop("step_error", None)))
    context.update(parts_context(visit, **overrides.pop("parts", {})))
    context.update(costs_context(visit))
    context.update(photos_context(visit, overrides.pop("photo_form", None)))
    context.update(overrides)
    return context
