"""Selling a plan on a product: a section of the product page (views/products/page.py)."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from fieldapp import clock, money
from fieldapp.extensions import db
from fieldapp.forms.coverage import SellPlanForm
from fieldapp.models import Asset, CoverageKind, CoveragePlan
from fieldapp.services import coverage
from fieldapp.views.coverage import bp
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, can, roles
from fieldapp.web.loaders import load_asset
from fieldapp.web.sections import OnPage, Section, page

product_page = page("product")


def plan_label(plan: CoveragePlan) -> str:
    return ngettext("%(name)s · %(num)d month · %(price)s", "%(name)s · %(num)d months · %(price)s", plan.months,
                    name=plan.name, price=money.display(plan.price_cents))


def with_plans(form: SellPlanForm) -> SellPlanForm:
    """The plans on sale as the form's choices."""
    form.set_plans(coverage.plans(active_only=True), plan_label)
    return form


def _sell_section(asset: Asset, refused: Refused | None) -> dict:
    if not can("coverage.sell"):
        return {}
    today = clock.today()
    form = form_in(refused, "sell")
    if form is None:
        suggested = coverage.suggested_plan(asset)
        form = with_plans(SellPlanForm(formdata=None, plan_id=suggested.id if suggested else None))
    return {
        "sell_form": form,
        "sell_starts": {kind: coverage.default_start(asset, kind, today) for kind in coverage.PLAN_KINDS},
        "sell_kinds": {kind.value: kind for kind in CoverageKind},
        "sell_error": refused.elsewhere if form_in(refused, "sell") is not None else None,
    }


product_page.add(Section("sell-plan", "coverage/_sell_plan.html", _sell_section, order=30))


@bp.post("/assets/<int:asset_id>/coverage/sell")
@roles(*OFFICE)
def sell(asset_id: int):
    asset, form = load_asset(asset_id), with_plans(SellPlanForm())

    def change():
        plan = db.session.get(CoveragePlan, form.plan_id.data) or abort(404)
        kind = CoverageKind(plan.kind)
        starts_on = form.starts_on.data or coverage.default_start(asset, kind, clock.today())
        price = plan.price_cents if form.price.cents is None else form.price.cents
        return coverage.sell(asset, plan, starts_on, price, form.reference.data, current_user)

    def sold(sale) -> str | None:
        # None: the same form sent twice, sold once.
        return sale and _("Sold: %(plan)s, %(starts)s – %(ends)s.", plan=sale.plan.name,
                          starts=clock.day_text(sale.starts_on), ends=clock.day_text(sale.ends_on))

    return act(form, change, OnPage(product_page, asset_id, sold, anchor="cov-title"), "sell")
