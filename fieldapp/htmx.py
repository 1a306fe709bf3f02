"""htmx helpers: one place decides between the full page and a fragment."""
from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request for a part of the page (boosted navigation wants the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def respond(page: str, fragment: str, context: dict, status: int = 200, oob: Sequence[str] = ()) -> Response:
    """The full page, or for htmx only its fragment plus out-of-band updates of other parts
    (hx-swap-oob): one context feeds them all, so they cannot drift apart."""
    if not wants_fragment():
        return make_response(render_template(page, **context), status)
    html = render_template(fragment, **context)
    html += "".join(render_template(template, oob=True, **context) for template in oob)
    return make_response(html, status)


def see_other(location: str) -> Response:
    """The answer to a successful POST: go and GET the result (303)."""
    return redirect(location, code=303)


def init_app(app: Flask) -> None:
    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        response.vary.add("HX-Request")
        return response
