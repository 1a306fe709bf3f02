"""QR codes for asset labels: the permanent URL, an SVG for screens, a PNG for print."""
from __future__ import annotations

import io
import re

import qrcode
import qrcode.image.svg
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


def svg(data: str, label: str = "QR code") -> str:
    """An SVG that scales with CSS: a viewBox and no fixed size, on a white background."""
    markup = _code(data, image_factory=qrcode.image.svg.SvgPathImage).make_image().to_string(encoding="unicode")
    markup = re.sub(r'^<svg width="[^"]+" height="[^"]+"', "<svg", markup)
    size = re.search(r'viewBox="0 0 (\d+) ', markup).group(1)
    return markup.replace(
        'xmlns="http://www.w3.org/2000/svg">',
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>', 1)


def png(data: str, box_size: int = 10) -> bytes:
    """A PNG for print: `box_size` pixels per module (10 px gives ~400 px for a label URL)."""
    image = _code(data, box_size=box_size).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
