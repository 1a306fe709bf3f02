"""Responses compressed by the app, for deployments without a proxy that does it (Flask-Compress).

Only text is compressed (pages, CSS, JavaScript, SVG, JSON, CSV, the web manifest) and only
above about 500 bytes: images and PDFs are compressed already, and a small answer costs more
to compress than it saves. Among what the client's Accept-Encoding offers, brotli comes first
(level 5: smaller than gzip at about the same cost; htmx is 16.5 KB against gzip's 16.9 KB),
then zstd, then gzip; deflate is left out (clients disagree on what it means). Every answer
says `Vary: Accept-Encoding`.

Streamed answers (the CSV exports, static files) are compressed a chunk at a time as they are
written, so an export of a million rows still starts at once and never sits in memory whole.

Static text files (htmx, the app's script and style) are the bulk of a phone's first load and
change only with a deployment: they are compressed once per process at brotli's best level
(11: htmx 16.5 → 15.0 KB) and kept in memory, keyed by the file's size and time.

Registered before the app's own after_request hooks, which Flask runs last-registered first:
they (the page ETag in web/conditional.py too) see the plain body, and this compresses last.
"""
from __future__ import annotations

import os
import threading

import brotli
from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

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


STATIC_BR_LEVEL = 11


class StaticBrotli:
    """The static view's answers, brotli-compressed at the best level, once per file version."""

    def __init__(self, app: Flask):
        self.app, self.serve = app, app.view_functions["static"]
        self.kept: dict[tuple[str, int, int], bytes] = {}
        self.lock = threading.Lock()
        app.view_functions["static"] = self.view

    def view(self, filename: str) -> Response:
        response = self.serve(filename=filename)
        if (response.status_code != 200 or response.mimetype not in SETTINGS["COMPRESS_MIMETYPES"]
                or "br" not in request.accept_encodings or self.app.debug):
            return response
        path = safe_join(self.app.static_folder, filename)
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        body = self.kept.get(key)
        if body is None:
            with open(path, "rb") as file:
                body = brotli.compress(file.read(), quality=STATIC_BR_LEVEL)
            with self.lock:
                self.kept = {k: v for k, v in self.kept.items() if k[0] != path} | {key: body}
        response.close()  # the file send_static_file opened
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "br"  # Flask-Compress leaves it as it is
        response.vary.add("Accept-Encoding")
        tag, weak = response.get_etag()
        if tag:
            response.set_etag(f"{tag}-br", weak=weak)
        return response


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    ClosingCompress(app)
    StaticBrotli(app)
