"""The recommendations section of the case page: what the technicians recommended, and the
office's three answers to each: plan a follow-up, open a new case, or note it was declined."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.recommendations import RecommendationFollowUpForm
from fieldapp.models import Case, FollowUpKind, Recommendation
from fieldapp.services import recommendations
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("case_recommendations", __name__, url_prefix="/cases/<int:case_id>/recommendations")
case_page = page("case")
DEFAULT_FOLLOW_UP_DAYS = 30


def _of(case: Case) -> list[Recommendation]:
    return list(db.session.scalars(select(Recommendation).where(Recommendation.case_id == case.id)
                                   .order_by(Recommendation.id)))


def _follow_up_form(recommendation: Recommendation, refused: Refused | None) -> RecommendationFollowUpForm:
    submitted = form_in(refused, ("recommendation", recommendation.id))
    if submitted is not None:
        return submitted
    due = recommendation.due_on or clock.today() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    return RecommendationFollowUpForm(formdata=None, kind=FollowUpKind.CALL.value, due_on=max(due, clock.today()))


def _section(case: Case, refused: Refused | None) -> dict:
    found = _of(case)
    return {"case_recommendations": [(r, _follow_up_form(r, refused)) for r in found],
            "recommendation_action_form": ActionForm(formdata=None),
            "recommendation_open": refused.slot[1] if refused is not None and isinstance(refused.slot, tuple)
            and refused.slot[0] == "recommendation" else None}


case_page.add(Section("recommendations", "recommendations/_case.html", _section, order=75))


def _find(case: Case, recommendation_id: int) -> Recommendation:
    found = db.session.get(Recommendation, recommendation_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def _back(case_id: int, message) -> OnPage:
    return OnPage(case_page, case_id, message, anchor="recommendations")


@bp.post("/<int:recommendation_id>/follow-up")
@roles(*OFFICE)
def follow_up(case_id: int, recommendation_id: int):
    case = load_case(case_id)
    found, form = _find(case, recommendation_id), RecommendationFollowUpForm()
    return act(form, lambda: recommendations.plan_follow_up(found, FollowUpKind(form.kind.data), form.due_on.data,
                                                            current_user),
               _back(case_id, _("Follow-up planned for the recommendation.")), ("recommendation", recommendation_id))


@bp.post("/<int:recommendation_id>/case")
@roles(*OFFICE)
def open_case(case_id: int, recommendation_id: int):
    case = load_case(case_id)
    found = _find(case, recommendation_id)
    return act(ActionForm(), lambda: recommendations.open_case(found, current_user),
               _back(case_id, lambda new: _("Case %(number)s opened for the recommendation.", number=new.number)),
               ("recommendation", recommendation_id))


@bp.post("/<int:recommendation_id>/decline")
@roles(*OFFICE)
def decline(case_id: int, recommendation_id: int):
    case = load_case(case_id)
    found = _find(case, recommendation_id)
    return act(ActionForm(), lambda: recommendations.decline(found, current_user),
               _back(case_id, _("Noted: the customer declined it.")), ("recommendation", recommendation_id))
