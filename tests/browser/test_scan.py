"""Scanning a product's label with the phone camera (Chromium's fake camera plays a picture of
the label), and finding a product by its serial number."""
import io

import pytest
from playwright.sync_api import expect
from PIL import Image
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Asset
from fieldapp.services import qr
from tests.browser.conftest import CHROME_ARGS, CHROMIUM, sign_in


def write_y4m(image: Image.Image, path) -> None:
    """One frame of 4:2:0 video in the YUV4MPEG2 format Chromium's fake camera reads."""
    width, height = image.size
    y, cb, cr = image.convert("YCbCr").split()
    half = (width // 2, height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())


def _first_asset(app):
    with app.app_context():
        asset = db.session.scalar(select(Asset).order_by(Asset.id))
        return asset.qr_token, asset.serial_number, qr.png(qr.label_url(asset), box_size=8)


def test_a_technician_scans_a_label_and_lands_on_the_product(playwright, server, live_app, tmp_path):
    token, _, png = _first_asset(live_app)
    frame = Image.new("RGB", (640, 480), "white")
    code = Image.open(io.BytesIO(png)).convert("RGB").resize((360, 360), Image.NEAREST)
    frame.paste(code, (140, 60))
    video = tmp_path / "label.y4m"
    write_y4m(frame, video)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(**playwright.devices["Pixel 7"])
    context.grant_permissions(["camera"], origin=server.url)
    page = context.new_page()
    try:
        sign_in(page, server, "tech@demo.test")
        page.get_by_role("link", name="Scan").click()
        page.get_by_role("button", name="Start camera").click()
        page.wait_for_url(f"{server.url}/a/{token}", timeout=20_000)
        expect(page.get_by_role("heading", name="Case history")).to_be_visible()
    finally:
        browser.close()


@pytest.mark.console_errors("status of 404")  # an unknown serial is answered "not found"
def test_typing_a_serial_finds_the_product_or_says_it_is_unknown(page, server, live_app):
    token, serial, _ = _first_asset(live_app)
    sign_in(page, server, "dispatcher@demo.test")
    page.get_by_role("link", name="Scan").click()
    page.get_by_label("Or type the serial number").fill("NO-SUCH-SERIAL")
    page.get_by_role("button", name="Find product").click()
    expect(page.get_by_text("No product with serial number NO-SUCH-SERIAL")).to_be_visible()
    page.get_by_label("Or type the serial number").fill(f"  {serial.lower()} ")
    page.get_by_role("button", name="Find product").click()
    expect(page).to_have_url(f"{server.url}/a/{token}")
