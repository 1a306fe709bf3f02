"""The office answers a customer by email from the case page (POST /cases/<id>/answer), where
the case's mail (sent, waiting or failed) and the answer form are a section."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import languages
from fieldapp.forms.questions import AnswerForm
from fieldapp.models import Case, CaseType
from fieldapp.services import outbox, questions
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("questions", __name__, url_prefix="/cases")
case_page = page("case")


@bp.post("/<int:case_id>/answer")
@roles(*OFFICE)
def answer(case_id: int):
    case, form = load_case(case_id), AnswerForm()
    return act(form, lambda: questions.answer(case, form.to.data, form.subject.data, form.body.data,
                                              form.resolve.data, current_user),
               OnPage(case_page, case_id, _answer_queued(form.to.data), anchor="answer"), "answer")


def _answer_queued(to: str | None) -> str:
    if to:
        return _("Answer to %(address)s queued: it is sent in a moment (see Email below).", address=to)
    return _("Answer to the customer queued: it is sent in a moment (see Email below).")


def _case_section(case: Case, refused: Refused | None) -> dict:
    """The answer form, filled with a greeting and the case's reference (None without an address)."""
    address = questions.answer_address(case)
    form = form_in(refused, "answer")
    if form is None and address:
        # The greeting and subject the office starts from are written in the customer's language.
        with languages.for_customer(case.customer):
            form = AnswerForm(formdata=None, to=address, subject=questions.default_subject(case),
                              body=questions.default_body(case, current_user))
    waiting = case.case_type is CaseType.QUESTION and case.first_response_at is None and case.status.is_open
    return {"answer_form": form, "case_mail": outbox.for_case(case),
            "answer_open": waiting or form_in(refused, "answer") is not None}


case_page.add(Section("answer", "mail/_case.html", _case_section, order=40))
