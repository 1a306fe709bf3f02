"""The "sell a plan" form on a product's page: built here for the page and for a refused sale."""
from __future__ import annotations

from fieldapp.forms.coverage import SellPlanForm
from fieldapp.models import Asset, CoverageKind, CoveragePlan
from fieldapp.services import coverage, schedule
from fieldapp.templating import money


def plan_label(plan: CoveragePlan) -> str:
    return f"{plan.name} · {plan.months} months · {money(plan.price_cents)}"


def with_plans(form: SellPlanForm) -> SellPlanForm:
    """The plans on sale as the form's choices."""
    form.set_plans(coverage.plans(active_only=True), plan_label)
    return form


def sell_context(asset: Asset, form: SellPlanForm | None = None) -> dict:
    today = schedule.today()
    if form is None:
        suggested = coverage.suggested_plan(asset)
        form = with_plans(SellPlanForm(formdata=None, plan_id=suggested.id if suggested else None))
    return {
        "sell_form": form,
        "sell_starts": {kind: coverage.default_start(asset, kind, today) for kind in coverage.PLAN_KINDS},
        "sell_kinds": {kind.value: kind for kind in CoverageKind},
        "sell_error": None,
    }
