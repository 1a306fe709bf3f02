"""The catalog, for the office (dispatchers and admins; technicians only search active parts on
their visits): product models with their terms and the education material their QR page shows
customers (care tips, manuals, videos, FAQ), and the parts catalog."""
from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/catalog")

from fieldapp.views.catalog import models, parts  # noqa: E402,F401  (their routes join bp)

BLUEPRINTS = (bp,)
