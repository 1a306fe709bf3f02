"""htmx helpers: one place decides between the full page and a fragment."""
from __future__ import annotations

from flask import Flask, Response, make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request for a part of the page (boosted navigation wants the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def render(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the full page, or only its fragment for htmx; the same context feeds both."""
    template = fragment if wants_fragment() else page
    return make_response(render_template(template, **context), status)


def conditional(response: Response) -> Response:
    """Answer 304 when the client already has this exact content (cheap polling on phones)."""
    response.add_etag()
    return response.make_conditional(request)


def render_with_oob(fragment: str, oob: list[str], status: int = 200, **context) -> Response:
    """A fragment plus out-of-band updates of other parts of the page (hx-swap-oob)."""
    html = render_template(fragment, **context)
    html += "".join(render_template(template, oob=True, **context) for template in oob)
    return make_response(html, status)


def init_app(app: Flask) -> None:
    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        response.vary.add("HX-Request")
        return response
