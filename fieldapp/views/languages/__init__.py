"""The texts of the hand-written scripts, per language: a small script that defines `gettext`
and `ngettext` for the others (loaded before them; nothing inline, so the CSP stays as it is)."""
from __future__ import annotations

from flask import Blueprint, abort, request

from fieldapp import languages
from fieldapp.web.auth import public

bp = Blueprint("languages", __name__)

YEAR = 365 * 24 * 3600


@bp.get("/text/<code>.js")
@public
def script_text(code: str):
    if languages.valid(code) is None:
        abort(404)
    body, version = languages.script_catalog(code)
    cache = f"public, max-age={YEAR}, immutable" if request.args.get("v") == version else "no-cache"
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": cache,
                       "ETag": f'"{version}"'}


BLUEPRINTS = (bp,)
