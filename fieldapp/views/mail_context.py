"""What the case page shows about email: the answer form (filled with a greeting and the case's
reference) and the mail sent, waiting or failed for the case."""
from __future__ import annotations

from flask_login import current_user

from fieldapp.forms.questions import AnswerForm
from fieldapp.models import Case
from fieldapp.services import mail, questions


def case_forms(case: Case) -> dict:
    address = questions.answer_address(case)
    form = AnswerForm(formdata=None, to=address, subject=questions.default_subject(case),
                      body=questions.default_body(case, current_user)) if address else None
    return {"answer_form": form, "case_mail": mail.for_case(case)}
