"""Coverage sales: the plans catalog (admins manage it, the office reads it), selling a plan
on a product (dispatchers and admins), and the renewal calls before coverage ends."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.forms.coverage import PlanForm, RenewalCallForm, SellPlanForm
from fieldapp.htmx import see_other
from fieldapp.models import Coverage, CoverageKind, CoveragePlan, RenewalOutcome, Role
from fieldapp.params import page_arg
from fieldapp.services import coverage, schedule, settings
from fieldapp.views.coverage_context import sell_context, with_plans
from fieldapp.views.loaders import load_asset
from fieldapp.views.product_context import history_context
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("coverage", __name__)


def _load_plan(plan_id: int) -> CoveragePlan:
    return db.session.get(CoveragePlan, plan_id) or abort(404)


# --- Plans ----------------------------------------------------------------------------------------------

@bp.get("/coverage/plans")
@roles(*OFFICE)
def plans():
    return render_template("coverage/plans.html", plans=coverage.plans(), action_form=ActionForm(formdata=None))


def _plan_page(form: PlanForm, plan: CoveragePlan | None, status: int = 200):
    return render_template("coverage/plan_form.html", form=form, plan=plan), status


@bp.route("/coverage/plans/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_plan():
    form = PlanForm()
    if request.method == "GET":
        return _plan_page(PlanForm(formdata=None), None)

    def done(plan):
        flash(f"Plan {plan.name} saved: dispatchers can sell it now.", "success")
        return see_other(url_for("coverage.plans"))

    return perform(form, lambda: coverage.save_plan(None, form.values(), current_user), done,
                   lambda refusal: _plan_page(form, None, refusal.status))


@bp.route("/coverage/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_plan(plan_id: int):
    plan = _load_plan(plan_id)
    if request.method == "GET":
        form = PlanForm(formdata=None, obj=plan)
        form.price.data = f"{plan.price_cents / 100:.2f}"
        return _plan_page(form, plan)
    form = PlanForm()

    def done(saved):
        flash(f"Plan {saved.name} saved. Coverage already sold keeps the terms it was sold with.", "success")
        return see_other(url_for("coverage.plans"))

    return perform(form, lambda: coverage.save_plan(plan, form.values(), current_user), done,
                   lambda refusal: _plan_page(form, _load_plan(plan_id), refusal.status))


def _set_active(plan_id: int, active: bool):
    plan = _load_plan(plan_id)

    def done(_):
        flash(f"{plan.name} is {'on sale again' if active else 'no longer sold'}.", "success")
        return see_other(url_for("coverage.plans"))

    return perform(ActionForm(), lambda: coverage.set_plan_active(plan, active, current_user), done,
                   lambda refusal: (render_template("coverage/plans.html", plans=coverage.plans(),
                                                    action_form=ActionForm(formdata=None),
                                                    error=refusal.message), refusal.status))


@bp.post("/coverage/plans/<int:plan_id>/deactivate")
@roles(Role.ADMIN)
def deactivate_plan(plan_id: int):
    return _set_active(plan_id, False)


@bp.post("/coverage/plans/<int:plan_id>/activate")
@roles(Role.ADMIN)
def activate_plan(plan_id: int):
    return _set_active(plan_id, True)


# --- Selling a plan on a product -------------------------------------------------------------------------

@bp.post("/assets/<int:asset_id>/coverage/sell")
@roles(*OFFICE)
def sell(asset_id: int):
    asset = load_asset(asset_id)
    form = with_plans(SellPlanForm())

    def apply():
        plan = _load_plan(form.plan_id.data)
        kind = CoverageKind(plan.kind)
        starts_on = form.starts_on.data or coverage.default_start(asset, kind, schedule.today())
        price = plan.price_cents if form.price.cents is None else form.price.cents
        return coverage.sell(asset, plan, starts_on, price, form.reference.data, current_user)

    def done(sold):
        if sold is None:  # the same form sent twice: sold once
            return see_other(url_for("public.asset", token=asset.qr_token, _anchor="cov-title"))
        flash(f"Sold: {sold.plan.name}, {sold.starts_on:%d %b %Y} – {sold.ends_on:%d %b %Y}.", "success")
        return see_other(url_for("public.asset", token=asset.qr_token, _anchor="cov-title"))

    def refused(refusal: Refusal):
        fresh = load_asset(asset_id)
        context = {**history_context(fresh), **sell_context(fresh, form), "sell_error": refusal.elsewhere}
        return render_template("assets/history.html", **context), refusal.status

    return perform(form, apply, done, refused, "coverage.sell")


# --- Renewal calls ---------------------------------------------------------------------------------------

def _renewals_page(call_forms: dict | None = None, status: int = 200):
    notice = settings.current().renewal_notice_days
    today = schedule.today()
    listed = coverage.renewals(today, notice, page_arg())
    forms = {c.id: RenewalCallForm(formdata=None, outcome=c.renewal_outcome.value if c.renewal_outcome else "",
                                   note=c.renewal_note) for c in listed.rows}
    forms.update(call_forms or {})
    return render_template("coverage/renewals.html", listed=listed, forms=forms, notice=notice, today=today,
                           grace=coverage.RENEWAL_GRACE_DAYS), status


@bp.get("/coverage/renewals")
@roles(*OFFICE)
def renewals():
    return _renewals_page()


@bp.post("/coverage/renewals/<int:coverage_id>/call")
@roles(*OFFICE)
def record_call(coverage_id: int):
    covered = db.session.get(Coverage, coverage_id) or abort(404)
    form = RenewalCallForm()

    def apply():
        return coverage.record_call(covered, RenewalOutcome(form.outcome.data), form.note.data, current_user)

    def done(call):
        asset = call.asset
        if call.renewal_outcome is RenewalOutcome.RENEWED:
            flash(f"Renewal recorded for {asset.serial_number}: sell the new plan below.", "success")
            return see_other(url_for("public.asset", token=asset.qr_token, _anchor="sell-plan"))
        flash(f"Call recorded for {asset.serial_number}: {call.renewal_outcome.label.lower()}.", "success")
        return see_other(url_for("coverage.renewals", _anchor=f"renewal-{call.id}"))

    return perform(form, apply, done, lambda refusal: _renewals_page({coverage_id: form}, refusal.status))
