"""QR labels as a phone camera and a printer see them, and the two audiences of one URL."""
import io
from datetime import datetime, timedelta, timezone

import zxingcpp
from PIL import Image
from flask import render_template
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseStatus, Channel, Outcome, Rating, RatingSource, ServiceType, User, Visit, VisitStatus,
)
from fieldapp.services import qr
from tests.browser.conftest import sign_in


def decode_all(png: bytes) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))}


def _assets(app, count):
    with app.app_context():
        rows = db.session.scalars(select(Asset).order_by(Asset.id).limit(count)).all()
        return [(a.id, qr.label_url(a)) for a in rows]


def test_the_svg_as_rendered_by_a_browser_decodes_to_the_label_url(page, live_app):
    [(asset_id, url)] = _assets(live_app, 1)
    with live_app.test_request_context():
        svg = render_template("assets/qr.svg", code=qr.code(url), label="QR code")
    # Scaled by CSS to 160 px, as on the staff page: the viewBox keeps it whole.
    scaled = svg.replace("<svg", '<svg style="width:100%;height:auto;display:block"', 1)
    page.set_content('<html><body style="margin:20px;background:#fff"><div style="width:160px">'
                     + scaled + "</div></body></html>")
    box = page.locator("svg").bounding_box()
    assert 150 <= box["width"] <= 170 and abs(box["width"] - box["height"]) < 1
    assert decode_all(page.screenshot()) == {url}
    assert url.startswith(live_app.config["PUBLIC_BASE_URL"] + "/a/")


def test_the_png_for_print_decodes_to_the_label_url(live_app):
    [(asset_id, url)] = _assets(live_app, 1)
    assert decode_all(qr.png(url)) == {url}


def test_every_code_on_a_label_sheet_decodes_to_its_assets_url(browser, server, live_app):
    chosen = _assets(live_app, 6)
    context = browser.new_context(viewport={"width": 1000, "height": 1400}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, server, "dispatcher@demo.test")
    page.goto(server.url + "/assets/labels?" + "&".join(f"ids={asset_id}" for asset_id, _ in chosen))
    expect(page.locator(".label")).to_have_count(6)
    sheet = page.locator(".sheet").first.screenshot()
    context.close()
    assert decode_all(sheet) == {url for _, url in chosen}


def _recent_unrated_visit(app) -> tuple[str, int]:
    """Give the first demo product a visit completed an hour ago, not yet rated."""
    with app.app_context():
        asset = db.session.scalar(select(Asset).order_by(Asset.id))
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        done = datetime.now(timezone.utc) - timedelta(hours=1)
        case = Case(number="C-2026-99999", asset=asset, customer=asset.customer, channel=Channel.PHONE,
                    description="Noisy pump", status=CaseStatus.RESOLVED)
        visit = Visit(case=case, technician=tech, scheduled_start=done - timedelta(hours=2),
                      scheduled_end=done, service_type=ServiceType.REPAIR, status=VisitStatus.COMPLETED,
                      outcome=Outcome.RESOLVED, actions_taken="Replaced the pump.", arrived_at=done - timedelta(hours=1),
                      completed_at=done)
        db.session.add_all([case, visit])
        db.session.commit()
        return asset.qr_token, visit.id


def test_a_customer_rates_from_the_label_and_a_technician_sees_the_history(page, browser, server, live_app,
                                                                          csp_violations, playwright):
    token, visit_id = _recent_unrated_visit(live_app)

    page.goto(f"{server.url}/a/{token}")
    expect(page.get_by_role("heading", name="Warranty")).to_be_visible()
    page.get_by_role("link", name="Rate your last service").click()
    for aspect, stars in [("overall", 4), ("timeliness", 5), ("professionalism", 5), ("quality", 4),
                          ("product_performance", 3)]:
        page.locator(f"label[for='{aspect}-{stars - 1}']").click()
    page.get_by_label("Comments (optional)").fill("Quick and tidy")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_role("heading", name="Thank you for your rating!")).to_be_visible()
    expect(page.get_by_text("Care tips for your")).to_be_visible()
    assert csp_violations == []
    with live_app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == visit_id))
        assert (rating.overall, rating.product_performance, rating.source) == (4, 3, RatingSource.QR)

    staff = browser.new_context(**playwright.devices["Pixel 7"])
    tech_page = staff.new_page()
    sign_in(tech_page, server, "tech@demo.test")
    tech_page.goto(f"{server.url}/a/{token}")
    expect(tech_page.get_by_role("heading", name="Case history")).to_be_visible()
    expect(tech_page.get_by_text("C-2026-99999")).to_be_visible()
    expect(tech_page.get_by_text("Rated 4/5 (QR code)")).to_be_visible()
    staff.close()
