"""`make bench`: every main page at demo size and at SCALE visits, measured against Flask's floor.

For each size: a database (the demo; or the demo plus tools/benchdata.py's company, cached in
instance/bench/ by scale and schema), gunicorn with 2 sync workers, and wrk. Each page runs right
after a hello-world route on the same server, and its requests per second are divided by the
floor's: a ratio that compares code, not machines. Queries and bytes come from an in-process
request. Then fifty technicians save fields at once. It prints a table and writes
instance/bench.json; it never fails on a number (tests assert query counts, not speed).

    SCALE=1000000 BENCH_SECONDS=4 make bench
    BENCH_DATABASE_URL=postgresql+psycopg://fieldapp:fieldapp@127.0.0.1/fieldapp_bench make bench
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402

import bench_sync  # noqa: E402
import benchdata  # noqa: E402
from gunicorn_server import GunicornServer, csrf_token  # noqa: E402
from fieldapp import clock, create_app  # noqa: E402
from fieldapp.extensions import db  # noqa: E402
from fieldapp.models import AppliedWrite, Asset, Case, CaseStatus, Customer, User  # noqa: E402
from fieldapp import demo  # noqa: E402
from fieldapp.services import dashboard_cache, field_team, maintenance  # noqa: E402

SCALE = int(os.environ.get("SCALE", 1_000_000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 4))
PG_URL = os.environ.get("BENCH_DATABASE_URL")
ONLY = {key for key in os.environ.get("BENCH_PAGES", "").split(",") if key}  # e.g. "today,board"; "-": none
BENCH_DIR = ROOT / "instance" / "bench"
SECRET = "bench-secret-not-for-production"


@dataclass
class Page:
    key: str
    name: str
    role: str | None  # who asks: an email, or None for a customer without a session
    path: str
    fragment: bool = False


@dataclass
class Result:
    ratio: float = 0.0
    rps: float = 0.0
    floor_rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    queries: int = 0
    html_bytes: int = 0
    compressed_bytes: int = 0
    status: int = 0


def main() -> int:
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is missing: `make bench` installs it (apt-get install wrk)", file=sys.stderr)
        return 2
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    runs = {}
    for label, scale in (("demo", 0), ("scale", SCALE)):
        uri = prepare_database(scale)
        print(f"\n== {label}: {'demo company' if not scale else f'{scale:,} visits'} on {uri.split(':')[0]} ==",
              flush=True)
        runs[label] = measure(uri, wrk)
    report(runs)
    return 0


# -- databases ---------------------------------------------------------------------------------

def prepare_database(scale: int) -> str:
    """A database at `scale` visits (0: the demo alone), generated once per generator version and
    then only migrated, as a real company's would be: a new migration runs on the cached copy."""
    key = _cache_key(scale)
    if PG_URL:
        schema = f"bench_{scale}"
        uri = _with_search_path(PG_URL, schema)
        if _pg_marker(uri) != key:
            _build(uri, scale, schema=schema)
            _pg_mark(uri, key)
        _migrate(uri)
        return uri
    cached = BENCH_DIR / f"sqlite-{scale}-{key}.sqlite"
    if not cached.exists():
        for old in BENCH_DIR.glob(f"sqlite-{scale}-*.sqlite"):
            old.unlink()
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        _build(f"sqlite:///{building}", scale)
        building.rename(cached)
    _migrate(f"sqlite:///{cached}")
    work = BENCH_DIR / f"work-{scale}.sqlite"  # saves write to a copy: every run starts alike
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    return f"sqlite:///{work}"


def _cache_key(scale: int) -> str:
    """The generator's version and the scale: a change to either generates again."""
    return f"v{benchdata.VERSION}"


def _migrate(uri: str) -> None:
    """Bring the cached database to the newest schema; fresh statistics when anything ran."""
    app = _app(uri)
    with app.app_context():
        version = lambda: db.session.scalar(text("SELECT version_num FROM alembic_version"))  # noqa: E731
        before = version()
        db.session.commit()
        upgrade()
        after = version()
        db.session.commit()
        if before != after:
            print(f"Migrated the bench database from {before} to {after}", flush=True)
        # What the company's daily `flask plan-maintenance` does first: due dates that no longer
        # hold (and, after the upgrade that added them, all of them) are computed again.
        refreshed = maintenance.refresh_stale(clock.today())
        db.session.commit()
        if refreshed:
            print(f"  computed {refreshed:,} products' maintenance due dates", flush=True)
        if before != after or refreshed:
            _analyze()
        db.engine.dispose()
    if before != after or refreshed:
        _checkpoint(uri)


def _analyze() -> None:
    """What a maintained database has: fresh planner statistics."""
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        if connection.dialect.name == "sqlite":
            connection.execute(text("PRAGMA optimize"))
        connection.commit()


def _checkpoint(uri: str) -> None:
    if uri.startswith("sqlite:///"):  # one self-contained file to copy
        with sqlite3.connect(uri.removeprefix("sqlite:///")) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _build(uri: str, scale: int, schema: str | None = None) -> None:
    started = time.perf_counter()
    print(f"Building the bench database ({scale or 'demo'} visits)…", flush=True)
    app = _app(uri)
    with app.app_context():
        if schema:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema}"))
        upgrade()
        if scale:
            counts = benchdata.generate(scale)
        else:
            demo.load_demo()
            db.session.commit()
            counts = {}
        _analyze()
        db.engine.dispose()
    _checkpoint(uri)
    print(f"  built in {time.perf_counter() - started:.0f} s {counts}", flush=True)


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _pg_marker(uri: str) -> str | None:
    app = _app(uri)
    with app.app_context():
        with db.engine.connect() as connection:
            exists = connection.scalar(text("SELECT to_regclass('bench_marker')"))
            value = connection.scalar(text("SELECT key FROM bench_marker")) if exists else None
        db.engine.dispose()
    return value


def _pg_mark(uri: str, key: str) -> None:
    app = _app(uri)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE bench_marker (key text)"))
            connection.execute(text("INSERT INTO bench_marker VALUES (:key)"), {"key": key})
        db.engine.dispose()


def _app(uri: str):
    instance = tempfile.mkdtemp(prefix="fieldapp-bench-")
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False,
                       "PUBLIC_BASE_URL": "http://127.0.0.1"}, instance_path=instance)


# -- the pages ----------------------------------------------------------------------------------

def pages_for(app) -> list[Page]:
    """The main page of every role, with records picked the way users meet them."""
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit_id = field_team.technician_day(tech, clock.today())[0].id
        busiest_asset = db.session.execute(
            select(Asset.qr_token, Asset.customer_id).join(Case, Case.asset_id == Asset.id)
            .group_by(Asset.id).order_by(func.count(Case.id).desc()).limit(1)).one()
        open_case = db.session.scalar(select(Case.id).where(Case.needs_attention.is_(True)).order_by(Case.id.desc()))
        closed_case = db.session.scalar(select(Case.id).where(Case.status == CaseStatus.CLOSED, Case.visits.any())
                                        .order_by(Case.id.desc()))
        name = db.session.scalar(select(Customer.name).order_by(Customer.id.desc()))
        query = urllib.parse.quote(name.split()[0].lower())
        day = clock.today()
    token, customer_id = busiest_asset
    tech, office = "tech@demo.test", "dispatcher@demo.test"
    week = f"from={(day - timedelta(days=6)).isoformat()}&to={day.isoformat()}"
    return [
        Page("today", "Today", tech, "/today"),
        Page("today_poll", "Today (poll fragment)", tech, "/today", fragment=True),
        Page("visit", "Visit page", tech, f"/visits/{visit_id}"),
        Page("part_search", "Part search fragment", tech, f"/visits/{visit_id}/parts/search?q=fan", fragment=True),
        Page("board", "Dispatch board", office, "/dispatch/"),
        Page("board_week", "Dispatch board (week)", office, "/dispatch/?view=week"),
        Page("case", "Case page", office, f"/cases/{open_case}"),
        Page("intake", "New request", office, "/intake/new"),
        Page("customer_search", "Customer search", office, f"/customers/?q={query}"),
        Page("customer", "Customer page", office, f"/customers/{customer_id}"),
        Page("product_history", "Product history (staff)", office, f"/a/{token}"),
        Page("qr_page", "Product page (customer)", None, f"/a/{token}"),
        Page("followups", "Follow-ups", office, "/follow-ups/"),
        Page("complaints", "Complaints", office, "/complaints/"),
        Page("maintenance", "Maintenance planner", office, "/maintenance/"),
        Page("renewals", "Coverage renewals", office, "/coverage/renewals"),
        Page("returns", "Returns", office, "/returns/"),
        Page("report", "Case report", office, f"/cases/{closed_case}/report"),
        Page("dashboard", "Dashboard (30 days)", office, "/dashboard/"),
        Page("export", "Visits CSV (7 days)", office, f"/exports/visits.csv?{week}"),
    ]


def measure(uri: str, wrk: str) -> dict:
    app = _app(uri)
    with app.app_context():  # what cron's `flask refresh-reports` keeps ready (README, From cron)
        started = time.perf_counter()
        dashboard_cache.refresh_presets(clock.today(), force=True)
        db.session.commit()
        print(f"  Reports page's presets computed ahead in {time.perf_counter() - started:.1f} s", flush=True)
    pages = pages_for(app)
    results = {page.key: Result() for page in pages}
    _count_in_process(app, pages, results)
    with app.app_context():
        db.engine.dispose()
    with _Server(uri) as server:
        cookies = {role: server.sign_in(role) for role in {p.role for p in pages if p.role}}
        for page in pages:
            if ONLY and page.key not in ONLY:
                continue
            server.settle()
            floor = _wrk(wrk, server.url + "/_bench/hello", {}, SECONDS / 2)
            headers = {"Accept-Encoding": "gzip"}
            if page.role:
                headers["Cookie"] = cookies[page.role]
            if page.fragment:
                headers["HX-Request"] = "true"
            run = _wrk(wrk, server.url + page.path, headers, SECONDS)
            result = results[page.key]
            result.floor_rps = floor["rps"]
            result.rps = run["rps"]
            result.ratio = run["rps"] / floor["rps"] if floor["rps"] else 0.0
            result.p50_ms, result.p95_ms, result.p99_ms = run["p50_ms"], run["p95_ms"], run["p99_ms"]
            result.errors = run["errors"]
            print(f"  {page.name:28} {result.rps:8.1f} req/s  ratio {result.ratio:.3f}  p95 {result.p95_ms:7.1f} ms  "
                  f"{result.queries} queries", flush=True)
        server.settle()
        saves = _saves(wrk, server, app)
        server.settle()
        sync = bench_sync.measure(server.url)
        if sync and sync.get("skipped"):
            print(f"  offline queue: not measured: {sync['skipped']}", flush=True)
        elif sync:
            print(f"  offline queue: {sync['changes']} changes sent in {sync['seconds']:.1f} s "
                  f"({sync['changes_per_s']:.0f}/s), {sync['left']} left", flush=True)
    return {"results": results, "pages": pages, "saves": saves, "sync": sync}


def _count_in_process(app, pages: list[Page], results: dict[str, Result]) -> None:
    """Queries and bytes of one request to each page (after a warm-up request)."""
    queries = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.__setitem__(0, queries[0] + 1))
    clients = {}
    for page in pages:
        if page.role not in clients:
            client = app.test_client()
            if page.role:
                token = csrf_token(client.get("/login").get_data(as_text=True))
                client.post("/login", data={"email": page.role, "password": demo.DEMO_PASSWORD, "csrf_token": token})
            clients[page.role] = client
        headers = {"Accept-Encoding": "gzip", **({"HX-Request": "true"} if page.fragment else {})}
        clients[page.role].get(page.path, headers=headers).get_data()
        queries[0] = 0
        response = clients[page.role].get(page.path, headers=headers)
        body = response.get_data()  # a streamed body counts until its end
        result = results[page.key]
        result.queries, result.status = queries[0], response.status_code
        if response.headers.get("Content-Encoding") == "gzip":
            result.compressed_bytes, result.html_bytes = len(body), len(gzip.decompress(body))
        else:
            result.compressed_bytes, result.html_bytes = len(gzip.compress(body)), len(body)


def _wrk(wrk: str, url: str, headers: dict, seconds: float) -> dict:
    command = [wrk, "-t2", "-c4", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
               "-s", str(ROOT / "tools" / "bench_page.lua")]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return _parse_wrk(subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout)


def _parse_wrk(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[6:])
    seconds = data["duration_us"] / 1e6
    return {**data, "rps": data["requests"] / seconds, "p50_ms": data["p50_us"] / 1000,
            "p95_ms": data["p95_us"] / 1000, "p99_ms": data["p99_us"] / 1000}


def _saves(wrk: str, server: "_Server", app) -> dict:
    """Fifty technicians save a field on their first visit of the day, all at once."""
    with app.app_context():
        rows = []
        for tech in db.session.scalars(select(User).where(User.email.like("tech%@demo.test")).order_by(User.id)):
            waiting = [v for v in field_team.technician_day(tech, clock.today()) if not v.status.is_finished]
            if waiting:  # the next visit of the day: one done earlier today can no longer change
                rows.append((tech.email, waiting[0].id, waiting[0].schedule_version))
        before = db.session.scalar(select(func.count()).select_from(AppliedWrite))
        db.session.remove()
    lines = []
    for email, visit_id, version in rows:
        cookie = server.sign_in(email)
        html = server.get(f"/visits/{visit_id}", cookie)
        lines.append(f"/visits/{visit_id}/fields/actions_taken\t{cookie}\t{csrf_token(html)}\t{version}")
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    command = [wrk, f"-t{len(lines)}", f"-c{len(lines)}", f"-d{max(2, round(SECONDS * 2))}s", "--timeout", "30s",
               "-s", str(ROOT / "tools" / "bench_saves.lua"), server.url, "--", handle.name]
    run = _parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    os.unlink(handle.name)
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(AppliedWrite))
        db.engine.dispose()
    recorded = after - before
    saves = {"technicians": len(lines), "saves_per_s": run["ok"] / (run["duration_us"] / 1e6),
             "ok": run["ok"], "errors": run["errors"], "lost": max(0, run["ok"] - recorded),
             "p50_ms": run["p50_ms"], "p95_ms": run["p95_ms"], "p99_ms": run["p99_ms"]}
    print(f"  {len(lines)} technicians saving: {saves['saves_per_s']:.1f} saves/s, p95 {saves['p95_ms']:.0f} ms, "
          f"{saves['errors']} errors, {saves['lost']} lost", flush=True)
    return saves


class _Server(GunicornServer):
    """The bench app (tools/bench_wsgi.py) on the bench database."""

    def __init__(self, uri: str) -> None:
        env = {**os.environ, "BENCH_DB_URI": uri, "BENCH_SECRET": SECRET,
               "BENCH_INSTANCE": tempfile.mkdtemp(prefix="fieldapp-bench-")}
        super().__init__("bench_wsgi:app", env, "/_bench/hello", pythonpath=ROOT / "tools")

    def settle(self) -> None:
        """Wait until both workers are free: requests a slow page left queued must not count
        against the next measurement."""
        deadline, quick = time.monotonic() + 120, 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            urllib.request.urlopen(self.url + "/_bench/hello", timeout=120).read()
            quick = quick + 1 if time.monotonic() - started < 0.02 else 0

    def sign_in(self, email: str, password: str = demo.DEMO_PASSWORD) -> str:
        return super().sign_in(email, password)


# -- the report ---------------------------------------------------------------------------------

def report(runs: dict) -> None:
    demo_run, scale_run = runs["demo"], runs["scale"]
    print(f"\nAt {SCALE:,} visits ({'PostgreSQL' if PG_URL else 'SQLite'}); ratio = page req/s ÷ hello-world req/s, "
          f"same server, same run; growth = p95 here ÷ p95 at demo size.")
    header = (f"{'page':28} {'req/s':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'growth':>6} "
              f"{'queries':>7} {'HTML B':>8} {'gzip B':>7}")
    print(header)
    print("-" * len(header))
    pages = {}
    for page in scale_run["pages"]:
        if ONLY and page.key not in ONLY:
            continue
        result, small = scale_run["results"][page.key], demo_run["results"].get(page.key)
        growth = result.p95_ms / small.p95_ms if small and small.p95_ms else 0.0
        print(f"{page.name:28} {result.rps:7.1f} {result.ratio:6.3f} {result.p50_ms:7.1f} {result.p95_ms:7.1f} "
              f"{result.p99_ms:7.1f} {growth:5.1f}× {result.queries:7d} {result.html_bytes:8d} "
              f"{result.compressed_bytes:7d}" + ("" if result.status == 200 else f"  (HTTP {result.status})"))
        pages[page.key] = {
            "name": page.name, "ratio": round(result.ratio, 4), "rps": round(result.rps, 1),
            "p50_ms": round(result.p50_ms, 1), "p95_ms": round(result.p95_ms, 1), "p99_ms": round(result.p99_ms, 1),
            "p95_growth": round(growth, 2), "demo_ratio": round(small.ratio, 4) if small else None,
            "demo_p95_ms": round(small.p95_ms, 1) if small else None, "queries": result.queries,
            "html_bytes": result.html_bytes, "compressed_bytes": result.compressed_bytes, "errors": result.errors}
    saves = scale_run["saves"]
    print(f"\nField saves, {saves['technicians']} technicians at once: {saves['saves_per_s']:.1f}/s, "
          f"p95 {saves['p95_ms']:.0f} ms, {saves['errors']} errors, {saves['lost']} lost "
          f"(demo size: {demo_run['saves']['saves_per_s']:.1f}/s)")
    sync = demo_run.get("sync")
    if sync:
        print(f"Offline queue (demo company, one phone): {sync['changes']} changes delivered in {sync['seconds']:.1f} s "
              f"after reconnecting ({sync['changes_per_s']:.0f}/s), {sync['left']} left")
    out = ROOT / "instance" / "bench.json"
    out.write_text(json.dumps({
        "scale": SCALE, "database": "postgresql" if PG_URL else "sqlite", "seconds_per_page": SECONDS,
        "floor_rps": round(sum(r.floor_rps for r in scale_run["results"].values()) / max(1, len(pages)), 1),
        "pages": pages, "saves_per_s": round(saves["saves_per_s"], 1), "saves": saves,
        "demo_saves_per_s": round(demo_run["saves"]["saves_per_s"], 1),
        "offline_sync": sync,
    }, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
