"""An unchanged page answered 304 Not Modified, with no body.

Every GET that renders HTML (a 200, not streamed, without an ETag of its own) gets a weak ETag
computed from its body, and a request whose If-None-Match holds that tag gets a 304. A public
page is `private, no-cache` (web/security.py): the browser asks each time and revalidates. A
signed-in user's page is `no-store`: the browser keeps nothing, so what a page polls (Today, the
board) sends the tag it holds itself (static/app.js): the page comes with its part's tag
(web/htmx.respond_polled), each answer brings the next, and an unchanged answer is still a 304.

A page embeds this request's signed CSRF token (Flask-WTF: `g.csrf_token`), and a signature
differs each time one is made, so the token is taken out of the body before hashing. The token
in the page the browser already has stays good: WTF_CSRF_TIME_LIMIT is None, a signed token is
valid as long as the session's raw token (`session["csrf_token"]`). That raw token goes into
the hash instead, so a page kept from before a sign-out (a new session, a new raw token) is never
confirmed by a 304: its old token would be refused.

The tag is weak because it names the page, not its bytes: the same for the plain and the
compressed answer. It is computed before compression (web/compression.py runs last), and a 304
goes through the other hooks like any answer, so it keeps Vary and the security headers. The
page and its htmx fragment (same URL, `Vary: HX-Request` from web/htmx.py) have different
bodies, so different tags.
"""
from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request, session


def revalidate(response: Response) -> Response:
    """Tag an HTML page and answer 304 when the client already has it; anything else as it is."""
    if not _is_page(response):
        return response
    response.set_etag(page_tag(response.get_data()), weak=True)
    return response.make_conditional(request)


def page_tag(body: bytes) -> str:
    """The page's tag: its body without this request's signed CSRF token, and the session's token."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    digest = hashlib.blake2b(digest_size=16)
    signed = g.get(field)
    if signed:
        body = body.replace(signed.encode(), b"")
        digest.update(str(session.get(field, "")).encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _is_page(response: Response) -> bool:
    return (request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not response.is_streamed
            and not response.direct_passthrough
            and "ETag" not in response.headers
            and "Content-Encoding" not in response.headers)


def init_app(app: Flask) -> None:
    app.after_request(revalidate)
