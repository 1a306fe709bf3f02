"""Links typed by the office and clicked by customers: only absolute http(s) addresses."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from fieldapp.values import has_control_characters

URL_MAX_LENGTH = 500
# Characters no URL typed for a customer needs: spaces, quotes, angle brackets, backslashes (which
# browsers read as "/"), and the rest RFC 3986 leaves out.
_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\^`{|}]")


def is_http_url(text: str | None) -> bool:
    """An absolute http(s) link with a host: no javascript:, data:, relative or protocol-relative
    (//host) URLs, no spaces or control characters, no user:password@ (a look-alike host), at most
    URL_MAX_LENGTH characters. The scheme may be in any case (HTTPS://EXAMPLE.COM is fine)."""
    if not isinstance(text, str) or not text or len(text) > URL_MAX_LENGTH:
        return False
    if has_control_characters(text) or _URL_FORBIDDEN.search(text):
        return False
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0  # .port raises ValueError for "x" or 99999
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and text[len(parts.scheme):].startswith("://")
            and bool(parts.hostname) and "@" not in parts.netloc and port_ok)
