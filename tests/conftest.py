"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL when
FIELDAPP_TEST_DATABASE_URL is set), a client, a CLI runner, sign-in and model factories."""
from __future__ import annotations

import atexit
import io
import itertools
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from fieldapp import clock
from fieldapp import create_app, languages
from fieldapp.extensions import db
from fieldapp.models import (
    AttentionItem, Asset, Case, CaseStatus, Channel, Coverage, CoverageKind, Customer, Part, ProductModel, Role,
    ServiceType, User, Visit, VisitPart, VisitPhoto,
)
from fieldapp.models import FaqEntry, ProductResource, ResourceKind

PG_URL = os.environ.get("FIELDAPP_TEST_DATABASE_URL")
# Under pytest-xdist each worker gets its own PostgreSQL schema, so workers never share tables.
PG_SCHEMA = f"test_{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else "public"


def pg_url() -> str:
    if PG_SCHEMA == "public":
        return PG_URL
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"


def recreate_pg_schema(conn) -> None:
    conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE; CREATE SCHEMA "{PG_SCHEMA}"'))
PASSWORD = "correct horse battery"
HX = {"HX-Request": "true"}  # the headers of an htmx request (a swap, not a boosted page)
# Cheap hashing in tests: the real default (scrypt) is slow on purpose.
FAST_HASH = "pbkdf2:sha256:1000"


def app_config(db_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "COMPANY_TIMEZONE": "Europe/Amsterdam",
        "PUBLIC_BASE_URL": "http://fieldapp.test",
        "DASHBOARD_CACHE_SECONDS": 0,  # figures follow each test's changes at once
        **overrides,
    }


_pg_schema_ready = False


def reset_database() -> None:
    """Empty schema for this test: fresh tables on SQLite, truncation on PostgreSQL."""
    global _pg_schema_ready
    if db.engine.dialect.name != "postgresql":
        db.create_all()
        return
    if not _pg_schema_ready:
        with db.engine.begin() as conn:
            recreate_pg_schema(conn)
        db.create_all()
        _pg_schema_ready = True
        return
    # DELETE is much cheaper than TRUNCATE on tables this small (TRUNCATE makes new files).
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        for (sequence,) in conn.execute(text(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :schema"),
                {"schema": PG_SCHEMA}):
            conn.execute(text(f'ALTER SEQUENCE "{PG_SCHEMA}"."{sequence}" RESTART'))


def schema_dirty() -> None:
    """Call after a test that rebuilt the schema itself (migrations)."""
    global _pg_schema_ready
    _pg_schema_ready = False


# SQLite files in RAM when the machine has it: the suite waits on fsync otherwise.
RAM_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _build_urls_lazily() -> None:
    """Werkzeug compiles two URL builders for every route when an app starts; a test builds a
    handful of URLs, and the suite starts an app per test. Compile each builder on first use."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder

    def lazy(self, append_unknown=True):
        def build(rule, *args, **kwargs):
            real = compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if append_unknown else "_build", real)
            return real(*args, **kwargs)
        return build

    Rule._compile_builder = lazy


_build_urls_lazily()


def _share_the_url_map() -> None:
    """Every app of the suite has the same routes, and building them is most of starting an app
    (the suite starts one per test). The first fieldapp app of a process keeps a copy of its URL
    map; each later one matches and builds URLs with that copy, registering only its own view
    functions. An app given a route of its own (a test's blueprint) gets a map of its own first."""
    from flask import Flask

    shared: dict = {}
    flask_init, flask_add_url_rule = Flask.__init__, Flask.add_url_rule

    def clone(url_map):
        copy = Flask.url_map_class(host_matching=url_map.host_matching)
        copy.converters = dict(url_map.converters)
        for rule in url_map.iter_rules():
            copy.add(rule.empty())
        return copy

    def init(self, import_name, *args, **kwargs):
        flask_init(self, import_name, *args, **kwargs)
        self._shares_url_map = import_name == "fieldapp" and "map" in shared
        if self._shares_url_map:
            self.url_map = shared["map"]

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if getattr(self, "_shares_url_map", False):
            if (rule, endpoint) in shared["rules"]:
                if view_func is not None:
                    self.view_functions[endpoint] = view_func
                return None
            self.url_map, self._shares_url_map = clone(self.url_map), False
        return flask_add_url_rule(self, rule, endpoint, view_func, provide_automatic_options, **options)

    Flask.__init__, Flask.add_url_rule = init, add_url_rule

    def keep(app) -> None:
        if "map" not in shared and app.import_name == "fieldapp":
            shared["map"] = clone(app.url_map)
            shared["rules"] = {(rule.rule, rule.endpoint) for rule in shared["map"].iter_rules()}
    _share_the_url_map.keep = keep


_share_the_url_map()


# SQLite databases made once per test process and copied for each test: building the schema
# (and the demo company) for every test would cost most of the suite's time.
_TEMPLATES: dict[str, Path] = {}


def _sqlite_template(kind: str) -> Path:
    """A database file holding the empty schema ("empty") or the demo company ("demo")."""
    if kind not in _TEMPLATES:
        from fieldapp import demo

        folder = Path(tempfile.mkdtemp(prefix=f"fieldapp-{kind}-", dir=RAM_DIR))
        path = folder / "template.sqlite"
        if kind == "demo":
            shutil.copyfile(_sqlite_template("empty"), path)
        app = create_app(app_config(f"sqlite:///{path}"), instance_path=str(folder / "instance"))
        with app.app_context():
            if kind == "demo":
                demo.load_demo()
                db.session.commit()
            else:
                db.create_all()
            db.session.remove()
            db.engine.dispose()
        with closing(sqlite3.connect(path)) as conn:  # everything into the one file, which is copied
            conn.execute("PRAGMA journal_mode=DELETE")
        _TEMPLATES[kind] = path
        atexit.register(shutil.rmtree, folder, True)
    return _TEMPLATES[kind]


class AnsweringClient(FlaskClient):
    """The test client, closing each whole answer once it is read, as a real server does after
    writing it (WSGI close()): what runs after the answer (the messages a write queued) has run
    when the request returns. A stream (no Content-Length: a CSV export) stays open to be read."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if "Content-Length" in response.headers:
            response.get_data()
            response.close()
        return response


def make_app(tmp_path, template: str = "empty", **overrides):
    """An app on a fresh database: the empty schema, or with template="demo" the demo company."""
    app = _make_app(tmp_path, template, **overrides)
    getattr(_share_the_url_map, "keep", lambda app: None)(app)
    app.test_client_class = AnsweringClient
    return app


def _make_app(tmp_path, template: str = "empty", **overrides):
    tmp_path.mkdir(parents=True, exist_ok=True)
    # The company's language and currency are kept per process and database address: on
    # PostgreSQL every test has the same address, and a fresh database has the defaults.
    languages.forget_company_defaults()
    if PG_URL:
        app = create_app(app_config(pg_url(), **overrides), instance_path=str(tmp_path / "instance"))
        with app.app_context():
            reset_database()
            if template == "demo":
                from fieldapp import demo

                demo.load_demo()
                db.session.commit()
        return app
    db_dir = Path(tempfile.mkdtemp(prefix="fieldapp-test-", dir=RAM_DIR)) if RAM_DIR else tmp_path
    shutil.copyfile(_sqlite_template(template), db_dir / "test.sqlite")
    return create_app(app_config(f"sqlite:///{db_dir / 'test.sqlite'}", **overrides),
                      instance_path=str(tmp_path / "instance"))


@pytest.fixture
def new_app(tmp_path):
    """Build an app with config overrides; its connections are closed after the test."""
    made = []

    def build(**overrides):
        app = make_app(tmp_path / f"app{len(made)}", **overrides)
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            database = db.engine.url.database
        if database and RAM_DIR and database.startswith(RAM_DIR):
            shutil.rmtree(Path(database).parent, ignore_errors=True)


@pytest.fixture
def app(new_app):
    return new_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Builds rows with sensible defaults. Each call commits in its own app context and
    returns the row detached with its columns loaded (use ids to link rows)."""

    def __init__(self, app):
        self.app = app
        self.seq = itertools.count(1)

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            db.session.refresh(obj)
            db.session.expunge(obj)
        return obj

    def today(self) -> date:
        """The company's today, as the app sees it (the host's date differs near midnight)."""

        with self.app.app_context():
            return clock.today()

    def user(self, role: Role = Role.TECHNICIAN, **kw) -> User:
        n = next(self.seq)
        kw.setdefault("email", f"{role.value}{n}@example.com")
        kw.setdefault("name", f"{role.label} {n}")
        password = kw.pop("password", PASSWORD)
        return self._save(User(role=role, password_hash=generate_password_hash(password, FAST_HASH), **kw))

    def customer(self, **kw) -> Customer:
        n = next(self.seq)
        kw.setdefault("name", f"Customer {n}")
        kw.setdefault("phone", f"+31 6 0000 {n:04d}")
        kw.setdefault("email", f"customer{n}@example.com")
        kw.setdefault("address", f"Teststraat {n}, 1000 AA Amsterdam")
        return self._save(Customer(**kw))

    def product_model(self, **kw) -> ProductModel:
        n = next(self.seq)
        kw.setdefault("name", f"Model {n}")
        kw.setdefault("model_number", f"M-{n}")
        kw.setdefault("warranty_months", 24)
        kw.setdefault("care_tips", "Clean the filter monthly.\nKeep the vents free.")
        return self._save(ProductModel(**kw))

    def product_resource(self, product_model: ProductModel, **kw) -> ProductResource:
        n = next(self.seq)
        kw.setdefault("kind", ResourceKind.MANUAL)
        kw.setdefault("title", f"Manual {n}")
        kw.setdefault("url", f"https://support.example.com/manual-{n}.pdf")
        return self._save(ProductResource(product_model_id=product_model.id, **kw))

    def faq_entry(self, product_model: ProductModel, **kw) -> FaqEntry:
        n = next(self.seq)
        kw.setdefault("question", f"Question {n}?")
        kw.setdefault("answer", f"Answer {n}.")
        kw.setdefault("position", n)
        return self._save(FaqEntry(product_model_id=product_model.id, **kw))

    def asset(self, customer: Customer | None = None, product_model: ProductModel | None = None,
              warranty: bool = True, **kw) -> Asset:
        n = next(self.seq)
        customer = customer or self.customer()
        product_model = product_model or self.product_model()
        kw.setdefault("serial_number", f"SN-{n:06d}")
        kw.setdefault("sales_date", self.today() - timedelta(days=100))
        asset = Asset(customer_id=customer.id, product_model_id=product_model.id, **kw)
        if warranty:
            asset.coverages.append(Coverage(kind=CoverageKind.STANDARD_WARRANTY, starts_on=asset.sales_date,
                                            ends_on=asset.sales_date + timedelta(days=730)))
        return self._save(asset)

    def coverage(self, asset: Asset, **kw) -> Coverage:
        kw.setdefault("kind", CoverageKind.SERVICE_CONTRACT)
        today = self.today()
        kw.setdefault("starts_on", today - timedelta(days=10))
        kw.setdefault("ends_on", today + timedelta(days=355))
        return self._save(Coverage(asset_id=asset.id, **kw))

    def case(self, asset: Asset | None = None, **kw) -> Case:
        n = next(self.seq)
        asset = asset or self.asset()
        kw.setdefault("number", f"C-2026-{n:05d}")
        kw.setdefault("channel", Channel.PHONE)
        kw.setdefault("description", f"Problem {n}: it makes a noise.")
        kw.setdefault("status", CaseStatus.SCHEDULED)
        attention = kw.pop("attention", None)  # a reason: the case needs the dispatcher's attention
        case = Case(asset_id=asset.id, customer_id=asset.customer_id, **kw)
        if attention:
            case.attention_items.append(AttentionItem(reason=attention))
            case.needs_attention = True
        return self._save(case)

    def visit(self, technician: User | None = None, case: Case | None = None,
              start: datetime | None = None, **kw) -> Visit:
        technician = technician or self.user(Role.TECHNICIAN)
        case = case or self.case()
        start = start or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        kw.setdefault("scheduled_end", start + timedelta(hours=2))
        kw.setdefault("service_type", ServiceType.REPAIR)
        return self._save(Visit(technician_id=technician.id, case_id=case.id, scheduled_start=start, **kw))

    def part(self, **kw) -> Part:
        n = next(self.seq)
        kw.setdefault("sku", f"P-{n:04d}")
        kw.setdefault("name", f"Part {n}")
        kw.setdefault("unit_price_cents", 1250)
        return self._save(Part(**kw))


    def fault_code(self, **kw):
        """A fault code (for every category unless `category` is given), a symptom by default."""
        from fieldapp.models import FaultCode, FaultKind

        n = next(self.seq)
        kw.setdefault("kind", FaultKind.SYMPTOM)
        kw.setdefault("code", f"F-{n}")
        kw.setdefault("label", f"Fault {n}")
        return self._save(FaultCode(**kw))

    def visit_part(self, visit: Visit, part: Part | None = None, **kw) -> VisitPart:
        part = part or self.part()
        kw.setdefault("quantity", 1)
        kw.setdefault("unit_cost_cents", part.unit_price_cents)
        return self._save(VisitPart(visit_id=visit.id, part_id=part.id, **kw))

    def photo(self, visit: Visit) -> VisitPhoto:
        from fieldapp.services import photos

        with self.app.app_context():
            row = db.session.get(Visit, visit.id)
            photo = photos.save(row, jpeg_bytes(), row.technician)
            db.session.commit()
            db.session.refresh(photo)
            db.session.expunge(photo)
        return photo

    def return_request(self, case: Case, **kw):
        """A return on `case` (for its product), requested today and eligible unless told otherwise."""
        from fieldapp.models import ReturnCondition, ReturnRequest

        kw.setdefault("reason", "Does not fit in the kitchen.")
        kw.setdefault("condition", ReturnCondition.AS_NEW)
        kw.setdefault("requested_on", self.today())
        kw.setdefault("eligible", True)
        kw.setdefault("eligibility_reason", "Within the 30-day return period")
        return self._save(ReturnRequest(case_id=case.id, asset_id=case.asset_id, **kw))

    def recommendation(self, visit: Visit, **kw):
        """A technician's recommendation from `visit` (a check-up, open)."""
        from fieldapp.models import Recommendation, RecommendationKind

        kw.setdefault("kind", RecommendationKind.CHECK_UP)
        kw.setdefault("what", "Check the anode of the boiler")
        return self._save(Recommendation(visit_id=visit.id, case_id=visit.case_id, **kw))

    def coverage_plan(self, **kw):
        """A coverage plan on sale: a one-year service contract with one maintenance visit."""
        from fieldapp.models import CoveragePlan

        n = next(self.seq)
        kw.setdefault("name", f"Care contract {n}")
        kw.setdefault("kind", "service_contract")
        kw.setdefault("months", 12)
        kw.setdefault("price_cents", 14900)
        kw.setdefault("maintenance_visits_per_year", 1)
        return self._save(CoveragePlan(**kw))

    def outbound_mail(self, **kw):
        """A mail waiting to be sent (console backend in tests: "sent" by printing it)."""
        from fieldapp.models import OutboundMail

        n = next(self.seq)
        kw.setdefault("kind", "answer")
        kw.setdefault("to_address", f"reader{n}@example.com")
        kw.setdefault("subject", f"Mail {n}")
        kw.setdefault("body", "Hello.\n")
        return self._save(OutboundMail(**kw))


    def customer_link(self, visit: Visit, purpose: str, **kw):
        """A link sent to the customer about the visit (its case for "status")."""
        from fieldapp.models import CustomerLink, LinkPurpose

        purpose = LinkPurpose(purpose)
        kw.setdefault("expires_at", datetime.now(timezone.utc) + timedelta(days=30))
        kw.setdefault("address", "customer@example.com" if purpose is LinkPurpose.UNSUBSCRIBE else None)
        return self._save(CustomerLink(purpose=purpose, case_id=visit.case_id,
                                       visit_id=None if purpose is LinkPurpose.STATUS else visit.id, **kw))

    def customer_message(self, case_id: int, **kw):
        """A message from the customer on the case, with a photo (written as the status page does)."""
        from fieldapp.models import CaseMessage
        from fieldapp.services import photos

        with self.app.test_request_context():
            name = photos.store(jpeg_bytes(), "messages", str(case_id))[0]
            message = CaseMessage(case_id=case_id, body=kw.pop("body", "It leaks again."), photo_name=name, **kw)
            db.session.add(message)
            db.session.commit()
            db.session.refresh(message)
            db.session.expunge(message)
            return message

    def follow_up(self, case: Case | None = None, **kw):
        """A follow-up call on `case`, due today (the company's) unless told otherwise."""
        from fieldapp.models import FollowUp, FollowUpKind

        case = case or self.case()
        kw.setdefault("kind", FollowUpKind.CALL)
        kw.setdefault("due_on", self.today())
        return self._save(FollowUp(case_id=case.id, **kw))

    def complaint(self, case: Case | None = None, attention: bool = True, **kw):
        """An open complaint on `case`, by phone; with its attention item raised unless told otherwise."""
        from fieldapp.models import Complaint, ComplaintSource

        case = case or self.case()
        kw.setdefault("source", ComplaintSource.PHONE)
        kw.setdefault("description", "The technician was rude.")
        complaint = Complaint(case_id=case.id, **kw)
        if attention:
            complaint.attention_item = AttentionItem(case_id=case.id, reason="Complaint (phone)")
            with self.app.app_context():
                db.session.get(Case, case.id).needs_attention = True
                db.session.commit()
        return self._save(complaint)

    def corrective_action(self, **kw):
        """A corrective action on the office's log (kind "other", planned), owned by a new dispatcher
        unless `owner_id` is given."""
        from fieldapp.models import CorrectiveAction, FindingKind

        n = next(self.seq)
        kw.setdefault("title", f"Corrective action {n}")
        kw.setdefault("kind", FindingKind.OTHER)
        kw.setdefault("due_on", self.today() + timedelta(days=30))
        if "owner_id" not in kw:
            kw["owner_id"] = self.user(Role.DISPATCHER).id
        return self._save(CorrectiveAction(**kw))


def load_row(app, model, row_id):
    """A row as it is in the database now, usable after its session is gone (None if absent)."""
    with app.app_context():
        row = db.session.get(model, row_id)
        if row is not None:
            db.session.expunge(row)
        return row


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), fmt="JPEG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


class Auth:
    def __init__(self, client, make: Factory):
        self.client = client
        self.make = make

    def login(self, email: str, password: str = PASSWORD, **kw):
        return self.client.post("/login", data={"email": email, "password": password}, **kw)

    def as_role(self, role: Role, **user_kw) -> User:
        user = self.make.user(role, **user_kw)
        response = self.login(user.email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, make) -> Auth:
    return Auth(client, make)


@pytest.fixture
def dispatcher(auth) -> User:
    """Signed in as a dispatcher (the office)."""
    return auth.as_role(Role.DISPATCHER)


def cid() -> str:
    """A fresh write id, as a form carries one (client_id)."""
    return str(uuid.uuid4())


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


@pytest.fixture
def count_queries(app):
    """Count SQL statements: `with count_queries() as counter: ...; counter.count`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)
