"""The product page for staff (what a label opens at /a/<token> when signed in): the owner,
warranties and contracts, the case history, a new case, the QR label. The coverage area adds
selling a plan (web/sections.py)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from fieldapp import clock
from fieldapp.forms.assets import NewCaseForm
from fieldapp.models import Asset
from fieldapp.services import assets, maintenance, qr
from fieldapp.web.actions import Refused, form_in
from fieldapp.web.loaders import load_asset
from fieldapp.web.params import page_arg
from fieldapp.web.sections import Section, page


def _base(asset: Asset) -> dict:
    today = clock.today()
    return {"asset": asset, "today": today, "coverage": asset.coverage_on(today),
            "show_customer": assets.shows_customer(current_user, asset),
            "maintenance_schedule": maintenance.schedule(asset, 3, today)}


def _url(asset_id: int, **anchor) -> str:
    return url_for("public.asset", token=load_asset(asset_id).qr_token, **anchor)


product_page = page("product").define("assets/history.html", load=load_asset, base=_base, url=_url)


def _none(asset: Asset, refused: Refused | None) -> dict:
    return {}


def _history(asset: Asset, refused: Refused | None) -> dict:
    number = page_arg()
    history, total = assets.case_history(asset, number)
    return {"history": history, "page": number, "total": total, "pages": max(1, -(-total // assets.HISTORY_PAGE))}


def _new_case(asset: Asset, refused: Refused | None) -> dict:
    return {"case_form": form_in(refused, "case") or NewCaseForm(formdata=None)}


def _label(asset: Asset, refused: Refused | None) -> dict:
    url = qr.label_url(asset)
    return {"label_url": url, "qr_code": qr.code(url)}


for _section in (
    Section("owner", "assets/_owner.html", _none, order=10),
    Section("coverages", "assets/_coverages.html", _none, order=20),
    Section("case-history", "assets/_case_history.html", _history, order=40),
    Section("new-case", "assets/_new_case.html", _new_case, order=50),
    Section("label", "assets/_label.html", _label, order=60),
):
    product_page.add(_section)
