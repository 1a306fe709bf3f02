"""Returns and refunds for the office: the queue of returns (/returns/), and each step on the
case page, where returns are a section: start a return, approve or refuse it, mark the product
received, complete it."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock, money
from fieldapp.domain import DomainError
from fieldapp.forms.returns import (
    ApproveReturnForm,
    CompleteReturnForm,
    ReceiveReturnForm,
    RefuseReturnForm,
    StartReturnForm,
)
from fieldapp.models import (
    Case,
    ReturnCondition,
    ReturnDecision,
    ReturnRequest,
    ReturnStatus,
)
from fieldapp.services import returns
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.params import choice_arg, page_arg
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("returns", __name__)
case_page = page("case")

# The queue's filters: value -> label (the statuses' labels are read in the reader's language).
FILTER_VALUES = ("", "all", *(s.value for s in ReturnStatus))


def filters() -> dict[str, str]:
    return {"": _("Open"), "all": _("All"), **{s.value: s.label for s in ReturnStatus}}


# The forms a return offers in each open status.
STEP_FORMS = {
    ReturnStatus.REQUESTED: {"approve": ApproveReturnForm, "refuse": RefuseReturnForm},
    ReturnStatus.APPROVED: {"receive": ReceiveReturnForm},
    ReturnStatus.RECEIVED: {"complete": CompleteReturnForm},
}


@bp.get("/returns/")
@roles(*OFFICE)
def index():
    wanted = choice_arg("status", FILTER_VALUES, _("Unknown status: choose one from the list."))
    status = ReturnStatus(wanted) if wanted not in ("", "all") else None
    listed = returns.queue(status, page_arg(), everything=wanted == "all")
    return render_template("returns/index.html", page=listed, wanted=wanted, filters=filters(), today=clock.today())


def _step_form(ret: ReturnRequest, kind: str, refused: Refused | None):
    submitted = form_in(refused, (kind, ret.id))
    if submitted is not None:
        return submitted
    if kind == "complete":
        return CompleteReturnForm(formdata=None, amount=money.as_input(ret.amount_cents))
    return STEP_FORMS[ret.status][kind](formdata=None)


def _case_section(case: Case, refused: Refused | None) -> dict:
    return {
        "return_forms": {ret.id: {kind: _step_form(ret, kind, refused) for kind in STEP_FORMS.get(ret.status, {})}
                         for ret in case.return_requests},
        "return_start_form": form_in(refused, "return") or StartReturnForm(formdata=None),
        "return_in_progress": any(ret.status.is_open for ret in case.return_requests),
    }


case_page.add(Section("returns", "returns/_case.html", _case_section, order=100))


@bp.post("/cases/<int:case_id>/returns")
@roles(*OFFICE)
def start(case_id: int):
    case, form = load_case(case_id), StartReturnForm()

    def change():
        if case.asset is None:
            raise DomainError(_("This case has no product: add the product before starting a return."))
        return returns.request(case, case.asset, form.reason.data, ReturnCondition(form.condition.data), current_user)

    return act(form, change, OnPage(case_page, case_id, _("Return requested."), anchor="returns"), "return")


def _on_return(return_id: int, form, step, message: str, kind: str):
    """One step on a return, through its case page (refused: the page again with this form)."""
    case_id = returns.case_id_of(return_id) or abort(404)
    case = load_case(case_id)
    return act(form, lambda: step(returns.find(case, return_id)),
               OnPage(case_page, case_id, message, anchor=f"return-{return_id}"), (kind, return_id))


@bp.post("/returns/<int:return_id>/approve")
@roles(*OFFICE)
def approve(return_id: int):
    form = ApproveReturnForm()
    return _on_return(return_id, form, lambda ret: returns.approve(
        ret, ReturnDecision(form.decision.data), form.amount.cents, form.override_note.data, current_user),
        _("Return approved."), "approve")


@bp.post("/returns/<int:return_id>/refuse")
@roles(*OFFICE)
def refuse(return_id: int):
    form = RefuseReturnForm()
    return _on_return(return_id, form, lambda ret: returns.refuse(ret, form.reason.data, current_user),
                      _("Return refused."), "refuse")


@bp.post("/returns/<int:return_id>/receive")
@roles(*OFFICE)
def receive(return_id: int):
    form = ReceiveReturnForm()
    return _on_return(return_id, form, lambda ret: returns.mark_received(ret, form.note.data, current_user),
                      _("Returned product received."), "receive")


@bp.post("/returns/<int:return_id>/complete")
@roles(*OFFICE)
def complete(return_id: int):
    form = CompleteReturnForm()
    return _on_return(return_id, form, lambda ret: returns.complete(
        ret, form.amount.cents, form.resolve_case.data, current_user), _("Return completed."), "complete")
