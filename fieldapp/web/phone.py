"""What the technician's phone says in its headers, and what it is told back.

The service worker (templates/offline/sw.js) sends a change made without signal through the
ordinary write routes with QUEUED_HEADER, and keeps pages for a day without signal with
PREFETCH_HEADER. A queued change has no page to show a refusal on: the refusal's message and,
when the office changed the visit meanwhile, the visit's schedule version travel back in
MESSAGE_HEADER and SCHEDULE_VERSION_HEADER.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, g, request

QUEUED_HEADER = "X-FieldApp-Queued"  # a change sent from the phone's queue
PREFETCH_HEADER = "X-FieldApp-Prefetch"  # a page kept for later, nobody is looking at it
MESSAGE_HEADER = "X-FieldApp-Message"
SCHEDULE_VERSION_HEADER = "X-Schedule-Version"


def is_queued_change() -> bool:
    return request.headers.get(QUEUED_HEADER) == "1"


def is_prefetch() -> bool:
    return request.headers.get(PREFETCH_HEADER) == "1"


def tell_schedule_version(version: int) -> None:
    """The plan a refused queued change may be sent again on (see web.loaders.load_visit)."""
    g.schedule_version = version


def explain_to_the_queue(response: Response) -> Response:
    if not is_queued_change():
        return response
    message = g.get("refusal_message")
    if response.status_code >= 400 and message:
        response.headers[MESSAGE_HEADER] = quote(str(message))
    if g.get("schedule_version") is not None:
        response.headers[SCHEDULE_VERSION_HEADER] = str(g.schedule_version)
    return response


def init_app(app: Flask) -> None:
    app.after_request(explain_to_the_queue)
