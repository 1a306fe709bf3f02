"""The fault-code taxonomy, kept by the admin: symptoms, causes and remedies per product category
(technicians pick them on the visit; the dashboard ranks them per model), and their meanings in
the other languages (services/content.py)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.forms import ActionForm
from fieldapp.forms.catalog import FaultCodeTranslationsForm, translations_form
from fieldapp.forms.faults import FaultCodeForm, NewFaultCodeForm
from fieldapp.models import FaultCode, Role
from fieldapp.services import content, faults
from fieldapp.web.actions import Refused, act, form_in
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
               OnForm(url_for("faults.index"),
                      lambda code: code and _("%(kind)s %(code)s added.", kind=code.kind.label, code=code.code),
                      lambda refused: _index(form, refused)))


def _edit_page(code: FaultCode, form: FaultCodeForm | None = None, refused: Refused | None = None) -> str:
    """The code's page; a refused form (slots "code", "translations") comes back in its place."""
    return render_template(
        "faults/edit.html", code=code,
        form=form_in(refused, "code") or form or FaultCodeForm(formdata=None, obj=code, kind=code.kind.value),
        translations=form_in(refused, "translations") or translations_form("fault_code", content.translations(code)),
        categories=faults.categories(), action_form=ActionForm(formdata=None),
        error=refused.elsewhere if refused else None)


@bp.route("/<int:code_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(code_id: int):
    code = load_code(code_id)
    if request.method == "GET":
        return _edit_page(code, FaultCodeForm(obj=code, kind=code.kind.value))
    form = FaultCodeForm()
    return act(form, lambda: faults.update(code, form.values(), current_user),
               OnForm(url_for("faults.index"), _("%(kind)s %(code)s saved.", kind=code.kind.label, code=code.code),
                      lambda refused: _edit_page(load_code(code_id), refused=refused)), "code")


@bp.post("/<int:code_id>/translations")
@roles(Role.ADMIN)
def translations(code_id: int):
    """The code's meaning in the other languages (customers read it in theirs)."""
    code = load_code(code_id)
    form = FaultCodeTranslationsForm()
    return act(form, lambda: content.save(code, form.texts(), current_user),
               OnForm(url_for("faults.edit", code_id=code_id, _anchor="code-translations"), _("Translations saved."),
                      lambda refused: _edit_page(load_code(code_id), refused=refused)), "translations")


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
                      _("%(code)s is offered again.", code=code.code) if active else
                      _("%(code)s is no longer offered to technicians.", code=code.code),
                      lambda refused: _edit_page(code, refused=refused)))
