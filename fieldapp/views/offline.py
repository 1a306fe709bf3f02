"""Work without signal: the service worker, what the phone keeps, and the queue's way back.

The worker (templates/offline/sw.js) caches the pages `services.offline.plan` lists; the
page script (static/offline.js) queues changes made without signal in IndexedDB and sends
them through the ordinary write routes, each with its write id and the time it happened.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from fieldapp import database
from fieldapp.auth import public, roles
from fieldapp.extensions import db
from fieldapp.models import Role
from fieldapp.services import offline
from fieldapp.templating import static_url

bp = Blueprint("offline", __name__)

QUEUED_HEADER = "X-FieldApp-Queued"  # a change sent from the phone's queue
PRECACHED = ("app.css", "app.js", "store.js", "sync.js", "signature.js", "vendor/htmx-2.0.11.min.js",
             "manifest.webmanifest", "icons/icon.svg", "icons/icon-192.png")


def _private_json(data, max_age: int = 0) -> Response:
    response = jsonify(data)
    response.headers["Cache-Control"] = f"private, max-age={max_age}" if max_age else "no-store"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """At the root, so its scope is the whole app. Never cached by HTTP: a new version of the
    app must reach phones on their next visit."""
    static = [static_url(name) for name in PRECACHED]
    body = render_template("offline/sw.js", static=static, store=static_url("store.js"),
                           version=offline.static_version(static))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline/manifest")
@roles(Role.TECHNICIAN)
def manifest():
    plan = offline.plan(current_user)
    # The worker asks with a header no other site can make a browser send: a link or an image
    # elsewhere cannot make a phone look synced on the board.
    if request.headers.get("HX-Request") == "true":
        db.session.commit()  # the reads end here; the write below takes the lock on its own
        database.writes_from_here()
        offline.mark_synced(current_user)
        db.session.commit()
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
    """The queue: filled in by offline.js from the phone's own storage, so it works offline."""
    return render_template("offline/sync.html")


@bp.after_app_request
def explain_to_the_queue(response: Response) -> Response:
    """A queued change has no page to show a refusal on: say it in headers the queue reads."""
    if request.headers.get(QUEUED_HEADER) != "1":
        return response
    message = g.get("refusal_message")
    if response.status_code >= 400 and message:
        response.headers["X-FieldApp-Message"] = quote(message)
    if g.get("schedule_version") is not None:
        response.headers["X-Schedule-Version"] = str(g.schedule_version)
    return response
