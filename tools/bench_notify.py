"""`make bench` (after the pages): what keeping the customer informed costs.

1. Booking a visit from the case page, against a mail server that takes 300 ms per message: the
   time until the dispatcher has the answer, with the customer's messages on and switched off
   (the "before"). The messages leave after the answer is written (WSGI close()), so the two are
   the same; the time the mail took after it is printed too.
2. `flask notify` with 1,000 reminders falling due, sent to a local SMTP sink: how long it takes
   to write and send them all.

It prints and writes instance/bench-notify.json; it never fails on a number.
"""
from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from fieldapp import clock, create_app  # noqa: E402
from fieldapp.extensions import db  # noqa: E402
from fieldapp.models import (  # noqa: E402
    Asset, Case, CaseStatus, Channel, ContactBy, Customer, ProductModel, Role, ServiceType, User, Visit,
)
from fieldapp.orm import utcnow  # noqa: E402
from fieldapp.services import message_texts, notify, settings  # noqa: E402

REMINDERS = 1000
BOOKINGS = 20
MAIL_DELAY = 0.3


class Sink:
    def __init__(self, delay: float = 0.0):
        self.count, self.delay = 0, delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)


def _app(port: int):
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-bench-notify-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "PUBLIC_BASE_URL": "http://127.0.0.1",
                      "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port},
                     instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def _company(app, customers: int) -> tuple[list[int], int]:
    """Customers with an email (no texts: one message each), a product and an open case each."""
    with app.app_context():
        settings.editable()
        model = ProductModel(model_number="BENCH-1", name="Bench boiler", category="Heating")
        technician = User(email="tech@bench.test", name="Tina Tech", role=Role.TECHNICIAN,
                          password_hash=generate_password_hash("x", "pbkdf2:sha256:1"))
        dispatcher = User(email="desk@bench.test", name="Dana Desk", role=Role.DISPATCHER,
                          password_hash=generate_password_hash("bench-pass", "pbkdf2:sha256:1"))
        db.session.add_all([model, technician, dispatcher])
        db.session.flush()
        cases = []
        for n in range(customers):
            customer = Customer(name=f"Customer {n}", email=f"c{n}@bench.test", contact_by=ContactBy.EMAIL)
            asset = Asset(serial_number=f"BENCH-{n:05d}", product_model=model, customer=customer,
                          sales_date=clock.today() - timedelta(days=400))
            case = Case(number=f"C-B-{n:05d}", asset=asset, customer=customer, channel=Channel.PHONE,
                        description="Bench", status=CaseStatus.VISIT_NEEDED)
            db.session.add(case)
            cases.append(case)
        db.session.commit()
        return [c.id for c in cases], technician.id


def bookings(app, case_ids: list[int], technician_id: int, messages: bool) -> dict:
    """Book BOOKINGS visits through the case page's form; the answer's time and what came after."""
    with app.app_context():
        row = settings.editable()
        row.messages_off = "" if messages else " ".join(message_texts.KINDS)
        db.session.commit()
        start = clock.at_local(clock.today() + timedelta(days=30 if messages else 60), 9)
    client = app.test_client()
    client.post("/login", data={"email": "desk@bench.test", "password": "bench-pass"})
    answered, closed = [], []
    for n, case_id in enumerate(case_ids):
        local = clock_local(app, start + timedelta(days=n))
        began = time.perf_counter()
        response = client.post(f"/cases/{case_id}/visits/", data={
            "technician_id": technician_id, "service_type": ServiceType.REPAIR.value, "day": local.date().isoformat(),
            "start": local.strftime("%H:%M"), "window_end": (local + timedelta(hours=2)).strftime("%H:%M"),
            "minutes": "60"}, buffered=False)
        body = response.get_data(as_text=True)
        answered.append(time.perf_counter() - began)
        response.close()  # what a server does once the answer is written: the mail leaves now
        closed.append(time.perf_counter() - began)
        assert response.status_code == 303, (response.status_code, body[body.find("error"):][:400])
    return {"answer_ms": round(statistics.median(answered) * 1000, 1),
            "answer_p95_ms": round(sorted(answered)[int(len(answered) * 0.95) - 1] * 1000, 1),
            "after_close_ms": round(statistics.median(closed) * 1000, 1)}


def clock_local(app, moment):
    with app.app_context():
        return clock.local(moment)


def reminders(app, case_ids: list[int], technician_id: int) -> dict:
    with app.app_context():
        soon = utcnow() + timedelta(hours=6)
        for n, case_id in enumerate(case_ids):
            db.session.add(Visit(case_id=case_id, technician_id=technician_id, service_type=ServiceType.REPAIR,
                                 scheduled_start=soon + timedelta(minutes=n), expected_minutes=60,
                                 scheduled_end=soon + timedelta(minutes=n + 120)))
        db.session.commit()
        began = time.perf_counter()
        done = notify.run_due()
        seconds = time.perf_counter() - began
    return {"reminders": done["reminders"], "sent": done["sent"], "seconds": round(seconds, 1)}


def main() -> int:
    sink = Sink(MAIL_DELAY)
    controller = Controller(sink, hostname="127.0.0.1", port=_port())
    controller.start()
    # The thousand reminders go to a sink in a process of its own, as a mail server would be
    # (in this process its thread would share the interpreter with the sender).
    sink_port = _port()
    sink_process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                     "-l", f"127.0.0.1:{sink_port}"])
    try:
        app = _app(controller.port)
        case_ids, technician = _company(app, REMINDERS + 2 * BOOKINGS)
        before = bookings(app, case_ids[:BOOKINGS], technician, messages=False)
        after = bookings(app, case_ids[BOOKINGS:2 * BOOKINGS], technician, messages=True)
        print(f"Booking a visit, the mail server taking {MAIL_DELAY * 1000:.0f} ms a message (median of {BOOKINGS}):")
        print(f"  messages off: answer in {before['answer_ms']} ms (p95 {before['answer_p95_ms']} ms)")
        print(f"  messages on:  answer in {after['answer_ms']} ms (p95 {after['answer_p95_ms']} ms); "
              f"the booking email left by {after['after_close_ms']} ms, after the answer")
        app.config["MAIL_PORT"] = sink_port
        _wait_for(sink_port)
        result = reminders(app, case_ids[2 * BOOKINGS:], technician)
        print(f"flask notify: {result['reminders']} reminders written and {result['sent']} sent to a local SMTP "
              f"sink in {result['seconds']} s")
    finally:
        controller.stop()
        sink_process.terminate()
        sink_process.wait()
    out = ROOT / "instance" / "bench-notify.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"booking_messages_off": before, "booking_messages_on": after,
                               "notify_1000_reminders": result}, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
