"""The recommendations section of the visit page: the technician adds and removes them (queued
like every change of the visit when the phone has no signal)."""
from __future__ import annotations

from flask import Blueprint, abort

from fieldapp.forms.recommendations import RecommendationForm
from fieldapp.forms.visits import StepForm
from fieldapp.models import RecommendationKind, Role, Visit
from fieldapp.services import recommendations
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import roles
from fieldapp.web.loaders import load_visit
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("recommendations", __name__, url_prefix="/visits/<int:visit_id>/recommendations")
visit_page = page("visit")


def _section(visit: Visit, refused: Refused | None) -> dict:
    refused_here = refused is not None and refused.slot in ("recommend", "remove-recommendation")
    return {"recommend_form": form_in(refused, "recommend") or RecommendationForm(formdata=None),
            "remove_form": StepForm(formdata=None),
            "recommendations_editable": not visit.status.is_finished,
            "recommendation_error": refused.message if refused_here and not refused.on_form else None}


section = visit_page.add(Section("recommendations", "recommendations/_visit.html", _section, order=45))


def _back(visit_id: int) -> OnPage:
    return OnPage(visit_page, visit_id, anchor="recommendations", section=section)


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit, form = load_visit(visit_id), RecommendationForm()
    return act(form, lambda: recommendations.add(visit, RecommendationKind(form.kind.data), form.what.data,
                                                 form.due_on.data, form.happened_at.data), _back(visit_id), "recommend")


@bp.post("/<int:recommendation_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, recommendation_id: int):
    visit = load_visit(visit_id)
    found = next((r for r in visit.recommendations if r.id == recommendation_id), None) or abort(404)
    return act(StepForm(), lambda: recommendations.remove(visit, found), _back(visit_id), "remove-recommendation")


