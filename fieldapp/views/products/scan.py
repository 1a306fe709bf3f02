"""Scan a product's QR label with the phone's camera, or type its serial number."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from fieldapp.services import assets
from fieldapp.web.auth import STAFF, roles
from fieldapp.web.params import text_arg

bp = Blueprint("scan", __name__, url_prefix="/scan")


@bp.get("/")
@roles(*STAFF)
def index():
    return render_template("scan/index.html", serial=None, error=None)


@bp.get("/serial")
@roles(*STAFF)
def lookup():
    serial = text_arg("serial", 80)
    if not serial:
        return render_template("scan/index.html", serial="",
                               error=_("Type the serial number printed on the product.")), 422
    asset = assets.by_serial(serial)
    if asset is None:
        return render_template("scan/index.html", serial=serial,
                               error=_("No product with serial number %(serial)s. Check the number and try again.",
                                       serial=serial)), 404
    return redirect(url_for("public.asset", token=asset.qr_token), code=303)
