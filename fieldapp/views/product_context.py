"""The product's history page (what staff see at /a/<token>), shared by the public label route
and the products area: one context builder, so both render the same page."""
from __future__ import annotations

from flask_login import current_user

from fieldapp.auth import can
from fieldapp.forms.assets import NewCaseForm
from fieldapp.models import Asset
from fieldapp.params import page_arg
from fieldapp.services import assets, qr, schedule
from fieldapp.views.coverage_context import sell_context


def history_context(asset: Asset, case_form: NewCaseForm | None = None) -> dict:
    page = page_arg()
    history, total = assets.case_history(asset, page)
    today = schedule.today()
    return {
        "asset": asset, "history": history, "page": page, "total": total,
        "pages": max(1, -(-total // assets.HISTORY_PAGE)),
        "coverage": asset.coverage_on(today), "coverages": asset.coverages, "today": today,
        "label_url": qr.label_url(asset), "qr_code": qr.code(qr.label_url(asset)),
        "case_form": case_form or NewCaseForm(formdata=None),
        "show_customer": assets.shows_customer(current_user, asset),
        **(sell_context(asset) if can("coverage.sell") else {}),
    }
