"""The office answers a customer by email from the case page (POST /cases/<id>/answer)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms.questions import AnswerForm
from fieldapp.services import questions
from fieldapp.views.cases import act_on_case

bp = Blueprint("questions", __name__, url_prefix="/cases")


@bp.post("/<int:case_id>/answer")
@roles(*OFFICE)
def answer(case_id: int):
    form = AnswerForm()
    return act_on_case(case_id, form, lambda case: questions.answer(
        case, form.to.data, form.subject.data, form.body.data, form.resolve.data, current_user),
        f"Answer to {form.to.data or 'the customer'} queued: it is sent in a moment (see Email below).",
        "answer_form", anchor="answer")
