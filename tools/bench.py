"""`make bench`: server-side time, queries and size of the main pages, on the demo company.

Runs the app in-process (no network) against a temporary SQLite file, so the numbers compare
changes to the code, not machines. Never asserted in tests; see README.
"""
from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, select

from fieldapp import create_app
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, CaseStatus, User
from fieldapp.services import demo, schedule

ROUNDS = 30


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}, instance_path=str(tmp))
    with app.app_context():
        db.create_all()
        demo.load_demo()
        db.session.commit()
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit_id = schedule.technician_day(tech, schedule.today())[0].id
        token = db.session.scalar(select(Asset.qr_token).order_by(Asset.id))
        case_id = db.session.scalar(select(Case.id).where(Case.needs_attention.is_(True)).order_by(Case.id))
        customer_id = db.session.scalar(select(Asset.customer_id).order_by(Asset.id))
        closed_id = db.session.scalar(select(Case.id).where(Case.status == CaseStatus.CLOSED, Case.visits.any())
                                      .order_by(Case.id.desc()))
        engine = db.engine
    queries = [0]
    event.listen(engine, "before_cursor_execute", lambda *args: queries.__setitem__(0, queries[0] + 1))

    pages = [
        ("tech@demo.test", "Today", "/today", {}),
        ("tech@demo.test", "Today (poll fragment)", "/today", {"HX-Request": "true"}),
        ("tech@demo.test", "Visit page", f"/visits/{visit_id}", {}),
        ("tech@demo.test", "Part search fragment", f"/visits/{visit_id}/parts/search?q=fan", {"HX-Request": "true"}),
        ("dispatcher@demo.test", "Dispatch board", "/dispatch/", {}),
        ("dispatcher@demo.test", "Dispatch board (week)", "/dispatch/?view=week", {}),
        ("dispatcher@demo.test", "Case page", f"/cases/{case_id}", {}),
        ("dispatcher@demo.test", "New request", "/intake/new", {}),
        ("dispatcher@demo.test", "Customer search", "/customers/?q=jan", {}),
        ("dispatcher@demo.test", "Customer page", f"/customers/{customer_id}", {}),
        ("dispatcher@demo.test", "Product history (staff)", f"/a/{token}", {}),
        (None, "Product page (customer)", f"/a/{token}", {}),
        ("dispatcher@demo.test", "Follow-ups", "/follow-ups/", {}),
        ("dispatcher@demo.test", "Complaints", "/complaints/", {}),
        ("dispatcher@demo.test", "Maintenance planner", "/maintenance/", {}),
        ("dispatcher@demo.test", "Coverage renewals", "/coverage/renewals", {}),
        ("dispatcher@demo.test", "Returns", "/returns/", {}),
        ("dispatcher@demo.test", "Catalog: models", "/catalog/models", {}),
        ("dispatcher@demo.test", "Case report", f"/cases/{closed_id}/report", {}),
        ("dispatcher@demo.test", "Dashboard (30 days)", "/dashboard/", {}),
        ("dispatcher@demo.test", "Visits CSV (this month)", "/exports/visits.csv", {}),
    ]
    print(f"{'page':28} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'html B':>7} {'gzip B':>7}")
    for email, name, path, headers in pages:
        client = app.test_client()
        if email:
            client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        client.get(path, headers=headers).get_data()  # warm up
        timings = []
        for _ in range(ROUNDS):
            queries[0] = 0
            start = time.perf_counter()
            body = client.get(path, headers=headers).get_data()  # a streamed body counts until its end
            timings.append((time.perf_counter() - start) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{name:28} {statistics.median(timings):9.2f} {p95:7.2f} {queries[0]:7d} {len(body):7d} "
              f"{len(gzip.compress(body)):7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
