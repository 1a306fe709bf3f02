"""Returns and refunds for the office: the queue of returns (/returns/), and each step on the
case page: start a return, approve or refuse it, mark the product received, complete it."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.domain import DomainError
from fieldapp.forms.returns import (
    ApproveReturnForm, CompleteReturnForm, ReceiveReturnForm, RefuseReturnForm, StartReturnForm,
)
from fieldapp.models import ReturnCondition, ReturnDecision, ReturnStatus
from fieldapp.params import page_arg
from fieldapp.services import returns, schedule
from fieldapp.views.cases import act_on_case

bp = Blueprint("returns", __name__)

FILTERS = {"": "Open", "all": "All", **{s.value: s.label for s in ReturnStatus}}


@bp.get("/returns/")
@roles(*OFFICE)
def index():
    wanted = request.args.get("status", "")
    if wanted not in FILTERS:
        abort(400, "Unknown status: choose one from the list.")
    status = ReturnStatus(wanted) if wanted not in ("", "all") else None
    page = returns.queue(status, page_arg(), everything=wanted == "all")
    return render_template("returns/index.html", page=page, wanted=wanted, filters=FILTERS,
                           today=schedule.today())


def _on_return(return_id: int, form, apply, message: str, kind: str):
    """One step on a return, through its case page (refused: the page again with this form)."""
    case_id = returns.case_id_of(return_id) or abort(404)
    return act_on_case(case_id, form, lambda case: apply(returns.find(case, return_id)), message,
                       "return_forms", anchor=f"return-{return_id}", form_value={return_id: (kind, form)})


@bp.post("/cases/<int:case_id>/returns")
@roles(*OFFICE)
def start(case_id: int):
    form = StartReturnForm()

    def apply(case):
        if case.asset is None:
            raise DomainError("This case has no product: add the product before starting a return.")
        return returns.request(case, case.asset, form.reason.data, ReturnCondition(form.condition.data),
                               current_user)

    return act_on_case(case_id, form, apply, "Return requested.", "return_start_form", anchor="returns")


@bp.post("/returns/<int:return_id>/approve")
@roles(*OFFICE)
def approve(return_id: int):
    form = ApproveReturnForm()
    return _on_return(return_id, form, lambda ret: returns.approve(
        ret, ReturnDecision(form.decision.data), form.amount.cents, form.override_note.data, current_user),
        "Return approved.", "approve")


@bp.post("/returns/<int:return_id>/refuse")
@roles(*OFFICE)
def refuse(return_id: int):
    form = RefuseReturnForm()
    return _on_return(return_id, form, lambda ret: returns.refuse(ret, form.reason.data, current_user),
                      "Return refused.", "refuse")


@bp.post("/returns/<int:return_id>/receive")
@roles(*OFFICE)
def receive(return_id: int):
    form = ReceiveReturnForm()
    return _on_return(return_id, form, lambda ret: returns.mark_received(ret, form.note.data, current_user),
                      "Returned product received.", "receive")


@bp.post("/returns/<int:return_id>/complete")
@roles(*OFFICE)
def complete(return_id: int):
    form = CompleteReturnForm()
    return _on_return(return_id, form, lambda ret: returns.complete(
        ret, form.amount.cents, form.resolve_case.data, current_user), "Return completed.", "complete")
