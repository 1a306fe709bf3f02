"""Coverage sales: the plans catalog (admins manage it, the office reads it), selling a plan on a
product (a section of the product page), and the renewal calls before coverage ends."""
from flask import Blueprint

bp = Blueprint("coverage", __name__)

from fieldapp.views.coverage import plans, renewals, sale  # noqa: E402,F401  (their routes join bp)

BLUEPRINTS = (bp,)
