"""QR codes for asset labels: the permanent URL, the code's geometry for SVG, a PNG for print.

No markup is built here: `code()` returns numbers and SVG path data made of numbers only, and
the templates (`_qr.html`) draw the SVG with autoescaping, so nothing typed by a user (a serial
number in the label text) can ever become markup.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import qrcode
from flask import current_app
from qrcode.constants import ERROR_CORRECT_M

from fieldapp.models import Asset

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


LABEL_PATH = "/a/"  # printed on labels that stay for years: never change it (a test pins the route)


def label_url(asset: Asset) -> str:
    """The absolute URL printed on the label: PUBLIC_BASE_URL + /a/<token>."""
    return current_app.config["PUBLIC_BASE_URL"] + LABEL_PATH + asset.qr_token


def short_url(asset: Asset) -> str:
    """The same URL without the scheme, to print as text under the code."""
    return re.sub(r"^https?://", "", label_url(asset))


def _code(data: str, **kwargs) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, **kwargs)
    code.add_data(data)
    code.make(fit=True)
    return code


@dataclass(frozen=True)
class QrGeometry:
    """A QR code as the SVG template draws it: `size` modules square (quiet zone included) and
    one path of dark runs, e.g. "M4 4h7v1h-7z" per run of dark modules in a row."""

    size: int
    path: str


def code(data: str) -> QrGeometry:
    matrix = _code(data).get_matrix()  # includes the quiet zone
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return QrGeometry(size=len(matrix), path="".join(runs))


def png(data: str, box_size: int = 10) -> bytes:
    """A PNG for print: `box_size` pixels per module (10 px gives ~400 px for a label URL)."""
    image = _code(data, box_size=box_size).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
