"""Screenshots of the main screens at phone size, for README: `make screenshots`.

Serves the demo company from a temporary database on a free port and drives Debian's
Chromium through Playwright, as the browser tests do.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from fieldapp import clock
from fieldapp import create_app
from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, ReturnRequest, User, VisitStatus
from fieldapp import demo
from fieldapp.services import field_team

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.sqlite'}", "SECRET_KEY": "screens"},
                     instance_path=str(tmp))
    with app.app_context():
        db.create_all()
        demo.load_demo()
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit = field_team.technician_day(tech, clock.today())[0]
        visit.status, visit.arrived_at = VisitStatus.ON_SITE, datetime.now(timezone.utc)
        db.session.commit()
        visit_id = visit.id
        token = visit.case.asset.qr_token
        case_id = db.session.scalar(select(Case.id).where(Case.needs_attention.is_(True)).order_by(Case.id))
        closed_id = db.session.scalar(select(Case.id).where(Case.status == CaseStatus.CLOSED, Case.visits.any())
                                      .order_by(Case.id.desc()))
        return_case_id = db.session.scalar(select(ReturnRequest.case_id).order_by(ReturnRequest.id))
        # The closed case's customer reads Chinese: the report PDF is printed in Chinese. Theo
        # chose Dutch on his Account page.
        db.session.get(Case, closed_id).customer.language = "zh_Hans"
        db.session.scalar(select(User).where(User.email == "tech3@demo.test")).language = "nl"
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, email, path, full in screens(visit_id, token, case_id, closed_id, return_case_id):
                # Pixel 7 layout at 1x pixels: the same screen, a tenth of the file size. The
                # office's pages (label sheet, board, case) are desk pages: a desktop window.
                device = {"viewport": DESK.get(name)} if name in DESK else p.devices["Pixel 7"]
                context = browser.new_context(**{**device, "device_scale_factor": 1})
                page = context.new_page()
                if email:
                    page.goto(base + "/login")
                    page.get_by_label("Email").fill(email)
                    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url(lambda url: "/login" not in url)
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
                print("wrote", OUT / f"{name}.png")
                context.close()
            _pdf_picture(browser, base, closed_id)
            browser.close()
    finally:
        server.shutdown()
    return 0


def _pdf_picture(browser, base: str, case_id: int) -> None:
    """The first page of a report PDF printed for a Chinese-speaking customer, as a picture."""
    import pypdfium2

    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill("dispatcher@demo.test")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    pdf = context.request.get(f"{base}/cases/{case_id}/report.pdf").body()
    context.close()
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=1.2).to_pil().convert("RGB").save(OUT / "report-pdf-zh.png", optimize=True)
    finally:
        document.close()
    print("wrote", OUT / "report-pdf-zh.png")


DESK = {"board-de": {"width": 1280, "height": 1000}, "labels": {"width": 900, "height": 1300}, "board": {"width": 1280, "height": 1000},
        "case": {"width": 1280, "height": 1000}, "followups": {"width": 1280, "height": 900},
        "returns": {"width": 1280, "height": 1000}, "maintenance": {"width": 1280, "height": 900},
        "report": {"width": 1000, "height": 1300}, "dashboard": {"width": 1280, "height": 1400}}


def screens(visit_id: int, token: str, case_id: int, closed_id: int, return_case_id: int):
    yield "today", "tech@demo.test", "/today", False
    yield "visit", "tech@demo.test", f"/visits/{visit_id}", True
    yield "rating", "tech@demo.test", f"/visits/{visit_id}/handover/", False
    yield "dispatch", "dispatcher@demo.test", "/dispatch/", False
    yield "board", "dispatcher@demo.test", "/dispatch/", False
    yield "case", "dispatcher@demo.test", f"/cases/{case_id}", False
    yield "customer", None, f"/a/{token}", True
    yield "asset-history", "dispatcher@demo.test", f"/a/{token}", False
    yield "labels", "dispatcher@demo.test", "/assets/labels?" + "&".join(f"ids={i}" for i in range(1, 25)), False
    yield "followups", "dispatcher@demo.test", "/follow-ups/", False
    yield "returns", "dispatcher@demo.test", f"/cases/{return_case_id}#returns", False
    yield "maintenance", "dispatcher@demo.test", "/maintenance/", False
    yield "report", "dispatcher@demo.test", f"/cases/{closed_id}/report", False
    yield "dashboard", "dispatcher@demo.test", "/dashboard/", False
    # Other languages: a Dutch technician, a German dispatcher, a visitor who picked Chinese.
    yield "today-nl", "tech3@demo.test", "/today", False
    yield "board-de", "disponent@demo.test", "/dispatch/", False
    yield "customer-zh", None, f"/a/{token}?lang=zh_Hans", False


if __name__ == "__main__":
    sys.exit(main())
