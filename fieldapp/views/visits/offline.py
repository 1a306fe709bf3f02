"""Work without signal: the service worker, what the phone keeps, and the queue's way back.

The worker (templates/offline/sw.js) keeps the pages `services.offline.plan` lists, and queues
changes made without signal in IndexedDB (static/store.js), sending them through the ordinary
write routes with their write id and the time they happened (web/phone.py has the headers).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, make_response, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fieldapp import languages
from fieldapp.models import Role, Visit
from fieldapp.services import offline
from fieldapp.web.actions import record_on_read
from fieldapp.web.auth import public, roles
from fieldapp.web.htmx import is_htmx
from fieldapp.web.templating import static_url

bp = Blueprint("offline", __name__)

PRECACHED = ("app.css", "app.js", "store.js", "sync.js", "signature.js", "unlock.js",
             "vendor/htmx-2.0.11.min.js", "manifest.webmanifest", "icons/icon.svg", "icons/icon-192.png")


class Links:
    """The addresses of what the phone keeps (services.offline.PlanLinks)."""

    def fixed(self) -> list[str]:
        return [url_for("technician.today"), url_for("offline.page"), url_for("offline.sync_page"),
                url_for("offline.parts")]

    def day(self, day: date) -> str:
        return url_for("technician.today", day=day.isoformat())

    def visit(self, visit: Visit) -> str:
        return url_for("visits.show", visit_id=visit.id)

    def rating(self, visit: Visit) -> str:
        return url_for("handover.rating_form", visit_id=visit.id)

    def unlock(self, visit: Visit) -> str:
        return url_for("handover.unlock", visit_id=visit.id)

    def product(self, asset) -> str:
        return url_for("public.asset", token=asset.qr_token)


def _private_json(data, max_age: int = 0) -> Response:
    response = jsonify(data)
    response.headers["Cache-Control"] = f"private, max-age={max_age}" if max_age else "no-store"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """At the root, so its scope is the whole app. Never cached by HTTP: a new version of the
    app must reach phones on their next visit. Written in the signed-in person's language (its
    texts): a change of language is a new worker. It keeps the scripts' texts of every language:
    the rating screen speaks the customer's, and works without signal too."""
    static = [static_url(name) for name in PRECACHED] + [languages.script_text_url(code)
                                                         for code in languages.available()]
    body = render_template("offline/sw.js", static=static, store=static_url("store.js"),
                           version=offline.static_version(static))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline/manifest")
@roles(Role.TECHNICIAN)
def manifest():
    plan = offline.plan(current_user, Links())
    # The worker asks with a header no other site can make a browser send: a link or an image
    # elsewhere cannot make a phone look synced on the board. The one write a GET makes.
    if is_htmx():
        me = current_user._get_current_object()
        record_on_read(lambda: offline.mark_synced(me))
    return _private_json(plan)


@bp.get("/offline/token")
@roles(Role.TECHNICIAN)
def token():
    """A fresh CSRF token for the queue, fetched each time it sends (a queued change never
    stores one: they expire during a long day without signal)."""
    return _private_json({"csrf": generate_csrf(), "user": current_user.id})


@bp.get("/offline/parts.json")
@roles(Role.TECHNICIAN)
def parts():
    return _private_json(offline.parts_catalog(), max_age=3600)


@bp.get("/offline")
@roles(Role.TECHNICIAN)
def page():
    """Shown (from the phone's cache) when a page is asked for without signal and was not kept."""
    return render_template("offline/page.html", days=offline.days(current_user))


@bp.get("/sync")
@roles(Role.TECHNICIAN)
def sync_page():
    """The queue: filled in by the page's script from the phone's own storage, so it works offline."""
    return render_template("offline/sync.html")
