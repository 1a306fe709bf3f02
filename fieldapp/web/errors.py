"""Error pages in the app's layout. Nothing half-saved: the session is rolled back first.

For an htmx request the message goes to the page's message area instead of replacing the
target, so whatever the user has typed stays on screen.
"""
from __future__ import annotations

from flask import Flask, Response, g, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.web.actions import discard
from fieldapp.web.htmx import wants_fragment

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Sign in needed"), _l("Please sign in to continue.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing at this address. It may have been moved or removed.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large. Photos must be smaller than the limit shown.")),
    422: (_l("Check your input"), _l("Some of what you entered is not valid.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The server hit an error. Nothing was saved; please try again.")),
}
CSRF_MESSAGE = _l("This form has expired (for example after signing out). Reload the page and submit it again.")
OTHER = (_l("Error"), _l("The request could not be completed."))


def render_error(code: int, message: str | None = None) -> Response:
    title, default_message = MESSAGES.get(code, OTHER)
    message = str(message or default_message)  # in the language of this request, as text
    g.refusal_message = message
    context = {"code": code, "title": str(title), "message": message}
    if wants_fragment():
        response = make_response(render_template("errors/_message.html", **context), code)
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return make_response(render_template("errors/error.html", **context), code)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        discard()
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        discard()
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code, _specific_message(error))
        for name in ("Retry-After", "Allow"):
            if error.get_response().headers.get(name):
                response.headers[name] = error.get_response().headers[name]
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        discard()
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)


def _specific_message(error: HTTPException) -> str | None:
    """A message the code raised on purpose (abort(404, "...")), not Werkzeug's stock text."""
    stock = type(error).description
    return error.description if error.description and error.description != stock else None
