"""What the case page's returns section needs: each open return's next-step forms (fresh, or the
one just refused) and the form to start a return. Used by views.case_context with one line."""
from __future__ import annotations

from fieldapp.forms.returns import (
    ApproveReturnForm, CompleteReturnForm, ReceiveReturnForm, RefuseReturnForm, StartReturnForm,
)
from fieldapp.models import Case, ReturnRequest, ReturnStatus

# The forms a return offers in each open status.
STEP_FORMS = {
    ReturnStatus.REQUESTED: {"approve": ApproveReturnForm, "refuse": RefuseReturnForm},
    ReturnStatus.APPROVED: {"receive": ReceiveReturnForm},
    ReturnStatus.RECEIVED: {"complete": CompleteReturnForm},
}


def _fresh(ret: ReturnRequest, form_cls):
    if form_cls is CompleteReturnForm:
        amount = f"{ret.amount_cents / 100:.2f}" if ret.amount_cents is not None else None
        return CompleteReturnForm(formdata=None, amount=amount)
    return form_cls(formdata=None)


def case_forms(case: Case, overrides: dict) -> dict:
    """Takes its own overrides out of `overrides`: "return_forms" as {return_id: (kind, form)}."""
    per_return = {ret.id: {kind: _fresh(ret, form_cls) for kind, form_cls in STEP_FORMS.get(ret.status, {}).items()}
                  for ret in case.return_requests}
    for return_id, (kind, form) in overrides.pop("return_forms", {}).items():
        per_return.setdefault(return_id, {})[kind] = form
    return {
        "return_forms": per_return,
        "return_start_form": overrides.pop("return_start_form", None) or StartReturnForm(formdata=None),
        "return_in_progress": any(ret.status.is_open for ret in case.return_requests),
    }
