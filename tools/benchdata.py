"""A realistic company at scale for `make bench`: bulk inserts on top of the demo company.

SCALE visits (default 1,000,000) over three years, with 0.8 cases, 0.1 products and 0.02 customers
per visit, 50 technicians, parts, ratings, follow-ups, complaints, timelines and audit events in the
proportions the demo has. Rows go in through the DB-API (executemany on SQLite, COPY on PostgreSQL):
minutes, not the hours the ORM would take. The database is cached by scale and schema version.
"""
from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator

from sqlalchemy import select, text

from fieldapp import clock
from fieldapp.dates import add_months
from fieldapp.extensions import db
from fieldapp.models import FaultCode, Part, ProductModel, Role, User
from fieldapp.models.search import search_text
from fieldapp import demo

VERSION = 1  # bump when the generated data changes: `make bench` then generates it again
TECHNICIANS = 50
CHUNK = 20_000
PROBLEMS = demo.PROBLEMS
ACTIONS = ["Replaced the worn part and tested a full cycle.", "Cleaned the filters and the heat exchanger.",
           "Updated the firmware, reset the controller, checked all sensors.",
           "Tightened connections, replaced a seal; no leaks after the test run."]
ADVICE = ["Clean the filter every month.", "Keep two metres free around the outdoor unit.",
          "Descale every three months in hard-water areas.", "Have it serviced once a year."]
COMMENTS = ["Friendly and quick.", "Arrived late but fixed it.", "Very clear explanation.", None, None, None]
FIRST = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Gijs", "Hanna", "Iris", "Jesse", "Lotte", "Mila",
         "Noah", "Olga", "Quinn", "Ruben", "Sem", "Tess", "Vera", "Wout"]
LAST = ["de Boer", "Bakker", "Bos", "Dekker", "Jansen", "de Jong", "Meijer", "Mulder", "Smit", "Visser",
        "de Vries", "van Dijk", "Willems", "Peters", "Hendriks"]
STREETS = ["Havenkade", "Lindenlaan", "Kerkstraat", "Molenweg", "Dorpsstraat", "Stationsplein"]
CITIES = ["3011 GH Rotterdam", "2511 EF Den Haag", "1012 AB Amsterdam", "3511 CD Utrecht", "5611 AZ Eindhoven"]


@dataclass(frozen=True)
class Model:
    id: int
    model_number: str
    category: str | None
    warranty_months: int
    warranty_terms: str | None


@dataclass
class Plan:
    """How many of each thing a company with `visits` visits has."""
    visits: int

    @property
    def cases(self) -> int:
        return int(self.visits * 0.8)

    @property
    def assets(self) -> int:
        return max(200, self.visits // 10)

    @property
    def customers(self) -> int:
        return max(50, self.visits // 50)


def generate(visits: int, seed: int = 2026) -> dict[str, int]:
    """Fill an empty, migrated database (in an app context). Returns the row counts added."""
    started = time.perf_counter()
    demo.load_demo()
    db.session.commit()
    rng = random.Random(seed)
    plan = Plan(visits)
    writer = _Writer(db.engine)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = clock.today()
    counts: dict[str, int] = {}

    password_hash = db.session.scalar(select(User.password_hash).where(User.email == "tech@demo.test"))
    dispatcher_id = db.session.scalar(select(User.id).where(User.role == Role.DISPATCHER))
    models = [Model(m.id, m.model_number, m.category, m.warranty_months, m.warranty_terms)
              for m in db.session.scalars(select(ProductModel).order_by(ProductModel.id))]
    parts = [(p.id, p.unit_price_cents) for p in db.session.scalars(select(Part).where(Part.active.is_(True)))]
    codes: dict[tuple[str, str], list[int]] = {}
    for code in db.session.scalars(select(FaultCode).where(FaultCode.active.is_(True))):
        codes.setdefault((code.category, code.kind.value), []).append(code.id)

    tech_ids = list(db.session.scalars(select(User.id).where(User.role == Role.TECHNICIAN)))
    sequences: dict[int, int] = _case_sequences()
    db.session.commit()  # SQLite: the session's write lock would block the bulk writer

    # Technicians: the demo's, then more up to TECHNICIANS, all with the demo password.
    first_user = writer.next_id("users")
    more = TECHNICIANS - len(tech_ids)
    writer.insert("users", ["id", "email", "name", "phone", "role", "active", "password_hash", "created_at"], (
        (first_user + i, f"tech{i + 4}@demo.test", f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         f"+31 6 5551 {i:04d}", "technician", True, password_hash, now) for i in range(more)))
    tech_ids += list(range(first_user, first_user + more))
    counts["technicians"] = len(tech_ids)

    first_customer = writer.next_id("customers")
    def customer(i: int, name: str) -> tuple:
        phone = f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        email = f"{name.lower().replace(' ', '.')}{i}@example.com"
        address = f"{rng.choice(STREETS)} {rng.randint(1, 300)}, {rng.choice(CITIES)}"
        return (first_customer + i, name, phone, email, address, search_text(name, email, address, phone), now)

    writer.insert("customers", ["id", "name", "phone", "email", "address", "search_text", "created_at"], (
        customer(i, f"{rng.choice(FIRST)} {rng.choice(LAST)}") for i in range(plan.customers)))
    customer_ids = range(first_customer, first_customer + plan.customers)
    counts["customers"] = plan.customers

    # Products: sold over four years; each has its standard warranty, a fifth a service contract.
    first_asset = writer.next_id("assets")
    assets: list[tuple[int, int, Model, date]] = []  # id, customer, model, sold
    for i in range(plan.assets):
        model = models[i % len(models)]
        assets.append((first_asset + i, rng.choice(customer_ids), model,
                       today - timedelta(days=rng.randint(20, 4 * 365))))
    writer.insert("assets", ["id", "serial_number", "product_model_id", "customer_id", "sales_date", "qr_token",
                             "created_at"], (
        (aid, f"{model.model_number.replace('-', '')}-{sold.year}-B{aid:07d}", model.id, customer, sold,
         secrets.token_urlsafe(16), now) for aid, customer, model, sold in assets))
    writer.insert("coverages", ["asset_id", "kind", "reference", "starts_on", "ends_on", "covers_parts",
                                "covers_labour", "covers_transport", "terms", "maintenance_visits_per_year"],
                  _coverages(rng, assets, today))
    counts["products"] = plan.assets

    # Cases and their visits, oldest first; the last few hundred are open (today's work and the queue).
    first_case, first_visit = writer.next_id("cases"), writer.next_id("visits")
    case_rows, visit_rows, event_rows, part_rows, rating_rows, follow_rows, complaint_rows, audit_rows = (
        [] for _ in range(8))
    attention_rows: list[tuple] = []
    visitable = plan.cases * 0.9
    second_visit = max(0.0, min(1.0, (plan.visits - visitable) / visitable))
    open_from = plan.cases - max(400, TECHNICIANS * 16)
    span = timedelta(days=3 * 365)
    visit_id = first_visit
    case_cols = ["id", "number", "asset_id", "customer_id", "contact_name", "contact_phone", "channel", "case_type",
                 "description", "priority", "status", "resolution_summary", "needs_attention", "created_by_id",
                 "created_at", "resolved_at", "closed_on", "first_response_at"]
    visit_cols = ["id", "case_id", "technician_id", "scheduled_start", "scheduled_end", "service_type", "status",
                  "travel_started_at", "arrived_at", "completed_at", "outcome", "actions_taken",
                  "preventative_advice", "follow_up", "transport_cost_cents", "payment_status", "created_at",
                  "labour_rate_cents", "expected_minutes", "schedule_version", "labour_cents", "parts_cents",
                  "total_cents", "covered_cents", "billable_cents", "other_cost_cents", "symptom_code_id",
                  "cause_code_id", "remedy_code_id"]
    open_statuses = ["new", "new", "assessing", "visit_needed", "waiting_parts", "waiting_customer", "remote_support"]
    today_slots = {tech: 0 for tech in tech_ids}
    for n in range(plan.cases):
        case_id = first_case + n
        asset_id, customer_id, model, sold = assets[rng.randrange(len(assets))]
        is_open = n >= open_from
        created = (now - timedelta(hours=rng.randint(1, 96)) if is_open
                   else now - span + span * (n / open_from) - timedelta(days=3))
        created = created.replace(minute=0, second=0)
        case_type = rng.choices(["repair", "maintenance", "installation", "question", "return"],
                                [60, 20, 10, 7, 3])[0]
        year = created.year
        sequences[year] = sequences.get(year, 0) + 1
        priority = rng.choices(["low", "normal", "high", "urgent"], [15, 60, 20, 5])[0]
        responded = created + timedelta(minutes=rng.randint(5, 600))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        visits_here = 0 if case_type in ("question", "return") else 1 + (rng.random() < second_visit)
        if is_open:
            tech = tech_ids[n % len(tech_ids)]
            if case_type not in ("question", "return") and today_slots[tech] < 12:
                # Today's and tomorrow's rounds: six visits a day for every technician.
                slot = today_slots[tech]
                today_slots[tech] += 1
                day = today + timedelta(days=slot // 6)
                start = clock.at_local(day, 8 + (slot % 6) * 1 + (slot % 6) // 2).astimezone(timezone.utc)
                status = "scheduled"
                visit_rows.append(_planned_visit(visit_id, case_id, tech, start, now))
                event_rows.append((case_id, created, dispatcher_id, "visit_scheduled", None, None, None, visit_id))
                visit_id += 1
            else:
                status = rng.choice(open_statuses)
            case_rows.append((case_id, f"C-{year}-{sequences[year]:05d}", asset_id, customer_id, name,
                              "+31 6 5550 0000", rng.choice(["phone", "email", "chat", "web", "qr"]), case_type,
                              rng.choice(PROBLEMS), priority, status, None, status == "new" and n % 9 == 0,
                              dispatcher_id, created, None, None, responded if status != "new" else None))
            event_rows.append((case_id, created, dispatcher_id, "opened", None, "new", None, None))
            if case_rows[-1][12]:
                attention_rows.append((case_id, "Customer called twice", created))
        else:
            resolved = created + timedelta(hours=rng.randint(4, 240))
            for k in range(visits_here):
                start = created + timedelta(days=1 + 2 * k, hours=rng.randint(0, 8))
                tech = tech_ids[rng.randrange(len(tech_ids))]
                row, parts_used, rating = _completed_visit(rng, visit_id, case_id, tech, start, model, sold,
                                                           parts, codes, now)
                visit_rows.append(row)
                part_rows.extend(parts_used)
                if rating:
                    rating_rows.append(rating)
                    if rating[1] <= 2 and rng.random() < 0.5:
                        complaint_rows.append((case_id, "on_site_rating", "Not happy with the visit.",
                                               rating[-1], "Called the customer and apologised; goodwill discount.",
                                               rating[-1] + timedelta(days=2), dispatcher_id, visit_id,
                                               dispatcher_id, "Accepted."))
                if rng.random() < 0.1:
                    follow_rows.append((case_id, "call", (start + timedelta(days=7)).date(), "How is it running?",
                                        start, dispatcher_id, start + timedelta(days=7, hours=3), dispatcher_id,
                                        "Customer happy.", "satisfaction", visit_id))
                event_rows.append((case_id, start - timedelta(days=1), dispatcher_id, "visit_scheduled",
                                   None, None, None, visit_id))
                event_rows.append((case_id, row[9], tech, "visit_completed", None, None, None, visit_id))
                audit_rows.append((row[9], tech, "visit.completed", "visits", visit_id, "{}"))
                resolved = max(resolved, row[9] + timedelta(hours=1))
                visit_id += 1
            closed_on = (resolved + timedelta(days=rng.randint(0, 5))).date()
            case_rows.append((case_id, f"C-{year}-{sequences[year]:05d}", asset_id, customer_id, name,
                              "+31 6 5550 0000", rng.choice(["phone", "email", "chat", "web", "qr"]), case_type,
                              rng.choice(PROBLEMS), priority, "closed", "Solved; the customer confirmed.", False,
                              dispatcher_id, created, resolved, closed_on, responded))
            event_rows.append((case_id, created, dispatcher_id, "opened", None, "new", None, None))
            event_rows.append((case_id, resolved, dispatcher_id, "resolved", None, "resolved", None, None))
        if len(case_rows) >= CHUNK:
            _flush(writer, case_cols, visit_cols, case_rows, visit_rows, event_rows, part_rows, rating_rows,
                   follow_rows, complaint_rows, audit_rows, counts)
    _flush(writer, case_cols, visit_cols, case_rows, visit_rows, event_rows, part_rows, rating_rows,
           follow_rows, complaint_rows, audit_rows, counts)
    writer.insert("attention_items", ["case_id", "reason", "raised_at"], attention_rows)
    writer.finish()
    _save_sequences(sequences)
    db.session.commit()
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


def _coverages(rng: random.Random, assets, today: date) -> Iterator[tuple]:
    for aid, _, model, sold in assets:
        warranty_end = add_months(sold, model.warranty_months)
        yield (aid, "standard_warranty", None, sold, warranty_end, True, True, False, model.warranty_terms, 0)
        if aid % 5 == 2:
            start = max(sold, today - timedelta(days=rng.randint(30, 300)))
            yield (aid, "service_contract", f"SC-{aid:07d}", start, add_months(start, 12), True, True,
                   True, "Service contract: yearly maintenance, parts, labour and transport included.", 1)


def _planned_visit(visit_id: int, case_id: int, tech: int, start: datetime, now: datetime) -> tuple:
    return (visit_id, case_id, tech, start, start + timedelta(hours=1), "repair", "scheduled", None, None, None,
            None, None, None, "none", 3500, None, now, 6500, 60, 1, 0, 0, 0, 0, 0, 0, None, None, None)


def _completed_visit(rng: random.Random, visit_id: int, case_id: int, tech: int, start: datetime,
                     model: Model, sold: date, parts, codes, now: datetime):
    arrived = start + timedelta(minutes=rng.randint(-10, 40))
    done = arrived + timedelta(minutes=rng.randint(30, 150))
    in_warranty = (start.date() - sold).days < 30 * model.warranty_months
    parts_used, parts_cents = [], 0
    if rng.random() < 0.45:
        for _ in range(rng.choice([1, 1, 2])):
            part_id, price = parts[rng.randrange(len(parts))]
            parts_used.append((visit_id, part_id, 1, price, in_warranty, start))
            parts_cents += price
    labour = 6500 * (done - arrived).seconds // 3600
    total = labour + parts_cents + 3500
    covered = labour + parts_cents if in_warranty else 0
    category = model.category
    symptom, cause, remedy = (rng.choice(codes.get((category, kind), []) + codes.get((None, kind), []) or [None])
                              for kind in ("symptom", "cause", "remedy"))
    row = (visit_id, case_id, tech, start, start + timedelta(hours=2), rng.choice(["repair", "repair", "maintenance",
           "troubleshooting", "installation"]), "completed", start - timedelta(minutes=30), arrived, done,
           rng.choices(["resolved", "partially_resolved", "needs_follow_up"], [85, 10, 5])[0], rng.choice(ACTIONS),
           rng.choice(ADVICE), "none", 3500, "covered_warranty" if in_warranty else rng.choice(["to_invoice", "paid"]),
           start - timedelta(days=1), 6500, 90, 1, labour, parts_cents, total, covered, total - covered, 0,
           symptom, cause, remedy)
    rating = None
    if rng.random() < 0.4:
        overall = rng.choices([1, 2, 3, 4, 5], [3, 4, 10, 35, 48])[0]
        rating = (visit_id, overall, max(1, overall - rng.randint(0, 1)), overall, overall,
                  min(5, overall + rng.randint(0, 1)), rng.choice(COMMENTS), rng.choice(["on_site", "qr"]), done)
    return row, parts_used, rating


def _flush(writer, case_cols, visit_cols, cases, visits, events, parts, ratings, follows, complaints, audits,
           counts) -> None:
    for table, cols, rows in (
        ("cases", case_cols, cases), ("visits", visit_cols, visits),
        ("case_events", ["case_id", "at", "user_id", "kind", "from_status", "to_status", "note", "visit_id"], events),
        ("visit_parts", ["visit_id", "part_id", "quantity", "unit_cost_cents", "covered", "created_at"], parts),
        ("ratings", ["visit_id", "overall", "timeliness", "professionalism", "quality", "product_performance",
                     "comments", "source", "created_at"], ratings),
        ("follow_ups", ["case_id", "kind", "due_on", "notes", "created_at", "created_by_id", "done_at",
                        "done_by_id", "outcome", "source", "visit_id"], follows),
        ("complaints", ["case_id", "source", "description", "received_at", "resolution", "resolved_at",
                        "resolved_by_id", "visit_id", "owner_id", "customer_response"], complaints),
        ("audit_events", ["at", "user_id", "action", "entity_type", "entity_id", "details"], audits),
    ):
        writer.insert(table, cols, rows)
        counts[table] = counts.get(table, 0) + len(rows)
        rows.clear()


def _case_sequences() -> dict[int, int]:
    rows = db.session.execute(text("SELECT name, last_value FROM number_sequences WHERE name LIKE 'case-%'"))
    return {int(name.split("-")[1]): value for name, value in rows}


def _save_sequences(sequences: dict[int, int]) -> None:
    for year, value in sequences.items():
        updated = db.session.execute(text("UPDATE number_sequences SET last_value = :v WHERE name = :n"),
                                     {"v": value, "n": f"case-{year}"})
        if not updated.rowcount:
            db.session.execute(text("INSERT INTO number_sequences (name, last_value) VALUES (:n, :v)"),
                               {"n": f"case-{year}", "v": value})


class _Writer:
    """Bulk rows through the raw driver connection: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, engine) -> None:
        self.connection = engine.raw_connection()
        self.sqlite = engine.dialect.name == "sqlite"
        if self.sqlite:  # the rows are consistent by construction; the file is thrown away on failure
            cursor = self.connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA foreign_keys = OFF")

    def next_id(self, table: str) -> int:
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]

    def insert(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        cursor = self.connection.cursor()
        names = ", ".join(columns)
        if self.sqlite:  # the driver is in autocommit mode (database.py): one transaction per batch
            marks = ", ".join("?" for _ in columns)
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", (_sqlite_row(r) for r in rows))
            cursor.execute("COMMIT")
        else:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            self.connection.commit()

    def finish(self) -> None:
        if not self.sqlite:  # COPY with explicit ids leaves the sequences behind
            cursor = self.connection.cursor()
            cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
                           "AND column_default LIKE 'nextval%'")
            for (table,) in cursor.fetchall():
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"GREATEST((SELECT MAX(id) FROM {table}), 1))")
        self.connection.commit()
        self.connection.close()


def _sqlite_row(row: tuple) -> tuple:
    """SQLAlchemy's SQLite formats: datetimes with microseconds, naive UTC; dates ISO."""
    return tuple(v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime)
                 else v.isoformat() if isinstance(v, date) else v for v in row)
