"""The coverage plans on sale: listed for the office, written and taken off sale by an admin."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import money
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.coverage import PlanForm
from fieldapp.models import CoveragePlan, Role
from fieldapp.services import coverage
from fieldapp.views.coverage import bp
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.sections import OnForm


def _load_plan(plan_id: int) -> CoveragePlan:
    return db.session.get(CoveragePlan, plan_id) or abort(404)


def _plans_page(refused: Refused | None = None) -> str:
    return render_template("coverage/plans.html", plans=coverage.plans(), action_form=ActionForm(formdata=None),
                           error=refused.message if refused else None)


@bp.get("/coverage/plans")
@roles(*OFFICE)
def plans():
    return _plans_page()


def _plan_page(form: PlanForm, plan: CoveragePlan | None) -> str:
    return render_template("coverage/plan_form.html", form=form, plan=plan)


@bp.route("/coverage/plans/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_plan():
    if request.method == "GET":
        return _plan_page(PlanForm(formdata=None), None)
    form = PlanForm()
    return act(form, lambda: coverage.save_plan(None, form.values(), current_user),
               OnForm(url_for("coverage.plans"), lambda plan: _("Plan %(name)s saved: dispatchers can sell it now.",
                                                                 name=plan.name),
                      lambda refused: _plan_page(form, None)))


@bp.route("/coverage/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_plan(plan_id: int):
    plan = _load_plan(plan_id)
    if request.method == "GET":
        form = PlanForm(formdata=None, obj=plan)
        form.price.data = money.as_input(plan.price_cents)
        return _plan_page(form, plan)
    form = PlanForm()
    return act(form, lambda: coverage.save_plan(plan, form.values(), current_user),
               OnForm(url_for("coverage.plans"), lambda saved: _("Plan %(name)s saved. Coverage already sold keeps "
                                                                 "the terms it was sold with.", name=saved.name),
                      lambda refused: _plan_page(form, _load_plan(plan_id))))


def _set_active(plan_id: int, active: bool):
    plan = _load_plan(plan_id)
    message = (_("%(name)s is on sale again.", name=plan.name) if active
               else _("%(name)s is no longer sold.", name=plan.name))
    return act(ActionForm(), lambda: coverage.set_plan_active(plan, active, current_user),
               OnForm(url_for("coverage.plans"), message, _plans_page))


@bp.post("/coverage/plans/<int:plan_id>/deactivate")
@roles(Role.ADMIN)
def deactivate_plan(plan_id: int):
    return _set_active(plan_id, False)


@bp.post("/coverage/plans/<int:plan_id>/activate")
@roles(Role.ADMIN)
def activate_plan(plan_id: int):
    return _set_active(plan_id, True)
