"""The fault-code taxonomy, kept by the admin: symptoms, causes and remedies per product category
(technicians pick them on the visit; the dashboard ranks them per model)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from fieldapp.forms import ActionForm
from fieldapp.forms.faults import FaultCodeForm, NewFaultCodeForm
from fieldapp.models import FaultCode, Role
from fieldapp.services import faults
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import roles
from fieldapp.web.sections import OnForm

bp = Blueprint("faults", __name__, url_prefix="/admin/fault-codes")


def load_code(code_id: int) -> FaultCode:
    return faults.get(code_id) or abort(404)


def _index(form: NewFaultCodeForm | None = None, refused: Refused | None = None) -> str:
    return render_template("faults/index.html", groups=faults.taxonomy(), categories=faults.categories(),
                           form=form or NewFaultCodeForm(formdata=None), action_form=ActionForm(formdata=None),
                           error=refused.elsewhere if refused else None)


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _index()


@bp.post("/")
@roles(Role.ADMIN)
def create():
    form = NewFaultCodeForm()
    return act(form, lambda: faults.create(form.values(), current_user),
               OnForm(url_for("faults.index"), lambda code: code and f"{code.kind.label} {code.code} added.",
                      lambda refused: _index(form, refused)))


def _edit_page(code: FaultCode, form: FaultCodeForm, refused: Refused | None = None) -> str:
    return render_template("faults/edit.html", code=code, form=form, categories=faults.categories(),
                           action_form=ActionForm(formdata=None), error=refused.elsewhere if refused else None)


@bp.route("/<int:code_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(code_id: int):
    code = load_code(code_id)
    if request.method == "GET":
        return _edit_page(code, FaultCodeForm(obj=code, kind=code.kind.value))
    form = FaultCodeForm()
    return act(form, lambda: faults.update(code, form.values(), current_user),
               OnForm(url_for("faults.index"), f"{code.kind.label} {code.code} saved.",
                      lambda refused: _edit_page(load_code(code_id), form, refused)))


@bp.post("/<int:code_id>/deactivate")
@roles(Role.ADMIN)
def deactivate(code_id: int):
    return _set_active(load_code(code_id), False)


@bp.post("/<int:code_id>/reactivate")
@roles(Role.ADMIN)
def reactivate(code_id: int):
    return _set_active(load_code(code_id), True)


def _set_active(code: FaultCode, active: bool):
    return act(ActionForm(), lambda: faults.set_active(code, active, current_user),
               OnForm(url_for("faults.index"),
                      f"{code.code} is {'offered again' if active else 'no longer offered to technicians'}.",
                      lambda refused: _edit_page(code, FaultCodeForm(obj=code, kind=code.kind.value), refused)))
