"""A local HTTP server standing in for a text-message gateway: Apprise's json:// posts each
message to it, and the test reads what arrived."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Gateway:
    def __init__(self):
        self.received: list[dict] = []
        self.refuse = False
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/send"


@pytest.fixture
def text_gateway():
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if gateway.refuse:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(b'{"error": "number not reachable"}')
                return
            gateway.received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    gateway.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=gateway.server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    gateway.server.shutdown()
    gateway.server.server_close()
