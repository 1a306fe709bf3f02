"""The fault-code taxonomy, kept by the admin: symptoms, causes and remedies per product category
(technicians pick them on the visit; the dashboard ranks them per model)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import roles
from fieldapp.forms import ActionForm
from fieldapp.forms.faults import FaultCodeForm, NewFaultCodeForm
from fieldapp.htmx import see_other
from fieldapp.models import FaultCode, Role
from fieldapp.services import faults
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("faults", __name__, url_prefix="/admin/fault-codes")


def load_code(code_id: int) -> FaultCode:
    return faults.get(code_id) or abort(404)


def _index(form: NewFaultCodeForm | None = None, refusal: Refusal | None = None):
    return render_template("faults/index.html", groups=faults.taxonomy(), categories=faults.categories(),
                           form=form or NewFaultCodeForm(formdata=None), action_form=ActionForm(formdata=None),
                           error=refusal.elsewhere if refusal else None), refusal.status if refusal else 200


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _index()


@bp.post("/")
@roles(Role.ADMIN)
def create():
    form = NewFaultCodeForm()

    def done(code):
        if code is not None:
            flash(f"{code.kind.label} {code.code} added.", "success")
        return see_other(url_for("faults.index"))

    return perform(form, lambda: faults.create(form.values(), current_user), done,
                   lambda refusal: _index(form, refusal), "faults.create")


@bp.route("/<int:code_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(code_id: int):
    code = load_code(code_id)
    form = FaultCodeForm() if request.method == "POST" else FaultCodeForm(obj=code, kind=code.kind.value)
    if request.method == "GET":
        return _edit_page(code, form)

    def done(_):
        flash(f"{code.kind.label} {code.code} saved.", "success")
        return see_other(url_for("faults.index"))

    return perform(form, lambda: faults.update(code, form.values(), current_user), done,
                   lambda refusal: _edit_page(load_code(code_id), form, refusal))


def _edit_page(code: FaultCode, form: FaultCodeForm, refusal: Refusal | None = None):
    return render_template("faults/edit.html", code=code, form=form, categories=faults.categories(),
                           action_form=ActionForm(formdata=None),
                           error=refusal.elsewhere if refusal else None), refusal.status if refusal else 200


@bp.post("/<int:code_id>/deactivate")
@roles(Role.ADMIN)
def deactivate(code_id: int):
    return _set_active(load_code(code_id), False)


@bp.post("/<int:code_id>/reactivate")
@roles(Role.ADMIN)
def reactivate(code_id: int):
    return _set_active(load_code(code_id), True)


def _set_active(code: FaultCode, active: bool):
    def done(_):
        flash(f"{code.code} is {'offered again' if active else 'no longer offered to technicians'}.", "success")
        return see_other(url_for("faults.index"))

    return perform(ActionForm(), lambda: faults.set_active(code, active, current_user), done,
                   lambda refusal: _edit_page(code, FaultCodeForm(obj=code, kind=code.kind.value), refusal))
