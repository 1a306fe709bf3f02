"""Content-Disposition headers for files we serve. Names can hold what people typed (a serial
number): a header must stay ASCII (a "✓" fails the latin-1 encoding of the response, a line
break splits the header, a quote ends the filename early), so an ASCII `filename` goes with
the RFC 6266 `filename*=UTF-8''...` that browsers prefer."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
MAX_STEM = 120


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """`inline; filename="label-SN-1.png"; filename*=UTF-8''label-SN-1.png`, whatever the name holds."""
    # Control and format characters never make it into a name (a bidi override shows
    # "label-1\u202egnp.exe" as "label-1exe.png"), nor do path separators.
    name = "".join(char for char in filename if unicodedata.category(char)[0] != "C" and char not in "/\\")
    stem, dot, extension = name.strip(" .").rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = stem[:MAX_STEM] or "download"
    ascii_extension = _ascii(extension)
    fallback = (_ascii(stem) or "download") + ("." + ascii_extension if ascii_extension else "")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(stem + dot + extension, safe='')}"


def _ascii(text: str) -> str:
    """Full-width digits become digits (NFKC), accents drop (NFKD), anything else becomes "_"."""
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return _NOT_ASCII_SAFE.sub("_", plain).strip("_")
