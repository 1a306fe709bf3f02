"""Security headers on every response, and the Secure cookie flag when served over https."""
from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from flask_login import current_user
from flask.sessions import SecureCookieSessionInterface

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=(), payment=()",
}

STATIC_MAX_AGE = 365 * 24 * 3600


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def init_app(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint == "static" and request.args.get("v"):
            # Versioned URLs (see templating.static_url) never change content.
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        elif request.endpoint != "static":
            # What a signed-in user sees holds customer data: never stored by the browser (a shared
            # office computer's disk cache, the Back button's page cache: OWASP ASVS V8). A page's
            # own script revalidates what it polls with the ETag it holds (web/conditional.py).
            # Public pages are only kept from shared caches.
            personal = current_user.is_authenticated
            response.headers.setdefault("Cache-Control", "no-store" if personal else "private, no-cache")
        return response
