"""Who is asking: the client address that throttling and rate limits count by.

Behind a reverse proxy every request comes from the proxy's address. With TRUSTED_PROXY_HOPS
set to the number of proxies in front, Werkzeug's ProxyFix takes the client's address (and
https) from the X-Forwarded-For / X-Forwarded-Proto headers those proxies set. Off by default:
without a proxy those headers are whatever a client chose to send.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXY_HOPS must be 0 (no proxy) or the number of proxies in front")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
