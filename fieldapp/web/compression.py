"""Responses compressed by the app, for deployments without a proxy that does it (Flask-Compress).

Only text is compressed (pages, CSS, JavaScript, SVG, JSON, CSV, the web manifest) and only
above about 500 bytes: images and PDFs are compressed already, and a small answer costs more
to compress than it saves. Among what the client's Accept-Encoding offers, brotli comes first
(level 5: smaller than gzip at about the same cost; htmx is 16.5 KB against gzip's 16.9 KB),
then zstd, then gzip; deflate is left out (clients disagree on what it means). Every answer
says `Vary: Accept-Encoding`.

Streamed answers (the CSV exports, static files) are compressed a chunk at a time as they are
written, so an export of a million rows still starts at once and never sits in memory whole.

Registered before the app's own after_request hooks, which Flask runs last-registered first:
they (the page ETag in web/conditional.py too) see the plain body, and this compresses last.
"""
from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

ALGORITHMS = ["br", "zstd", "gzip"]

SETTINGS = {
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "application/json",
        "text/csv",
        "application/manifest+json",
    ],
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_ALGORITHM": ALGORITHMS,
    # Flask-Compress leaves gzip out of streaming by default; it streams well (zlib, a chunk at a
    # time) and is what every client accepts, so the exports are compressed for all of them.
    "COMPRESS_ALGORITHM_STREAMING": ALGORITHMS,
    "COMPRESS_STREAMS": True,
    "COMPRESS_LEVEL": 6,  # gzip
    "COMPRESS_BR_LEVEL": 5,  # brotli: 4 is larger than gzip 6 on our files, 5 smaller and still fast
    "COMPRESS_ZSTD_LEVEL": 6,  # 3 is larger than gzip 6; 6 costs under a millisecond for htmx
}


class ClosingCompress(Compress):
    """Flask-Compress, closing what a streamed answer read from (it swaps the body for a
    compressing generator, and the file behind a static answer was otherwise left open), and
    leaving a byte range (206) as it is: its Content-Range counts the plain bytes."""

    def after_request(self, response: Response | None) -> Response:
        if response is not None and response.status_code == 206:
            response.vary.add("Accept-Encoding")
            return response
        source = response.response if response is not None else None
        response = super().after_request(response)
        if response.response is not source and hasattr(source, "close"):
            response.call_on_close(source.close)
        return response


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    ClosingCompress(app)
