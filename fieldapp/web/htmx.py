"""htmx: the one place that decides between the full page and a fragment.

An htmx request for a part of the page (not a boosted navigation, which wants the whole page)
gets the fragment and its out-of-band companions; anything else gets the page. Every answer
says `Vary: HX-Request`: the same URL answers both.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, make_response, redirect, render_template, request

from fieldapp.web import conditional


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request for a part of the page (boosted navigation wants the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def respond(page: str | None, fragment: str | None, context: dict, status: int = 200,
            oob: Sequence[str] = ()) -> Response:
    """The full page, or for htmx only its fragment plus out-of-band updates of other parts
    (hx-swap-oob): one context feeds them all, so they cannot drift apart. Without a fragment
    it is always the page; without a page, always the fragment."""
    if fragment is None or (page is not None and not wants_fragment()):
        return make_response(render_template(page, **context), status)
    html = render_template(fragment, **context)
    html += "".join(render_template(template, oob=True, **context) for template in oob)
    return make_response(html, status)


def respond_polled(page: str, fragment: str, context: dict) -> Response:
    """A page with a part that polls itself (Today, the board): the page carries the tag its
    part's next answer will have (`poll_etag`, web/conditional.py), so even the first poll of an
    unchanged part is a 304: the browser keeps no signed-in page to revalidate (no-store)."""
    if wants_fragment():
        return respond(page, fragment, context)
    tag = conditional.page_tag(render_template(fragment, **context).encode())
    return make_response(render_template(page, **context, poll_etag=tag))


def see_other(location: str) -> Response:
    """The answer to a successful POST: go and GET the result (303)."""
    return redirect(location, code=303)


def redirect_htmx_aware(location: str, status: int = 303) -> Response:
    """Go elsewhere: htmx is told with HX-Redirect (it would swap a redirect's page into the
    target), a browser with a redirect."""
    if is_htmx():
        response = make_response("", 204 if status < 400 else status)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=status)


def init_app(app: Flask) -> None:
    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        response.vary.add("HX-Request")
        return response
