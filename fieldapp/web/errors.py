"""Error pages in the app's layout. Nothing half-saved: the session is rolled back first.

For an htmx request the message goes to the page's message area instead of replacing the
target, so whatever the user has typed stays on screen.
"""
from __future__ import annotations

from flask import Flask, Response, g, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.web.actions import discard
from fieldapp.web.htmx import wants_fragment

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Check what you entered and try again."),
    401: ("Sign in needed", "Please sign in to continue."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address. It may have been moved or removed."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is too large. Photos must be smaller than the limit shown."),
    422: ("Check your input", "Some of what you entered is not valid."),
    429: ("Too many requests", "Too many attempts in a short time. Wait a few minutes and try again."),
    500: ("Something went wrong", "The server hit an error. Nothing was saved; please try again."),
}
CSRF_MESSAGE = ("This form has expired (for example after signing out). "
                "Reload the page and submit it again.")


def render_error(code: int, message: str | None = None) -> Response:
    title, default_message = MESSAGES.get(code, ("Error", "The request could not be completed."))
    g.refusal_message = message or default_message
    context = {"code": code, "title": title, "message": message or default_message}
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
