"""The HTTP plumbing under the views: access rules, the action runner and page sections, htmx,
strict URL parameters, errors, security headers, conditional GETs, compression, client
addresses, downloads, CSV streaming, templating, and what the phone's queue says in headers."""
from __future__ import annotations

from flask import Flask

from fieldapp.services import mail
from fieldapp.web import (
    actions, auth, clients, conditional, errors, htmx, params, phone, security, templating,
)


def init_app(app: Flask) -> None:
    """After the extensions (compression first: Flask runs after_request hooks last-registered
    first, so ours see the plain body and compression runs last), before the blueprints."""
    clients.init_app(app)
    params.init_app(app)  # the bounded <int:...> converter, before any route is added
    auth.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    phone.init_app(app)
    conditional.init_app(app)  # unchanged pages answered 304 (runs before compression, after the views)
    templating.init_app(app)
    errors.init_app(app)
    actions.after_commit(mail.send_committed)  # the mail a write queued leaves right after its commit
