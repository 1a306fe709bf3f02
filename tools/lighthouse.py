"""`make lighthouse`: Lighthouse (mobile) on a technician's Today and on the first visit of that day.

A temporary SQLite database gets the demo company (`flask db upgrade` + `flask seed-demo`);
gunicorn serves it on a free port of 127.0.0.1; the script signs in as tech@demo.test and runs
Lighthouse (Debian's Chromium, headless) with the session cookie on /today and on the first
/visits/<id> linked from it. It prints the performance, accessibility and best-practices scores
per page with every audit that is not passed, and writes them to instance/lighthouse.json (the
full reports beside it, in instance/lighthouse/). It reports; it never fails on a number.

Each page is measured LIGHTHOUSE_RUNS times (default 3) and the run with the median performance
is kept: blocking time is this machine's main-thread time multiplied by 4, so a busy machine moves it.
Lighthouse's benchmark index of each run is printed beside it (a quiet machine here: 1,500-2,000).

    make lighthouse
    LIGHTHOUSE_RUNS=5 make lighthouse
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from fieldapp import demo  # noqa: E402
from gunicorn_server import GunicornServer  # noqa: E402

BIN = Path(sys.executable).parent
LIGHTHOUSE = ROOT / ".cache" / "node" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = max(1, int(os.environ.get("LIGHTHOUSE_RUNS", 3)))
ATTEMPTS = 3  # Chromium now and then fails to record a trace (NO_NAVSTART): that run is tried again
CATEGORIES = ("performance", "accessibility", "best-practices")
EMAIL = "tech@demo.test"
OUT = ROOT / "instance" / "lighthouse.json"
REPORTS = ROOT / "instance" / "lighthouse"
VISIT_LINK = re.compile(r'href="(/visits/\d+)"')


def main() -> int:
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `make lighthouse`, which installs it", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="fieldapp-lighthouse-"))
    try:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'fieldapp.sqlite'}",
               "SECRET_KEY": secrets.token_hex(32), "UPLOAD_FOLDER": str(work / "uploads"),
               "MAIL_BACKEND": "console"}
        flask = [str(BIN / "flask"), "--app", "fieldapp"]
        subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        with GunicornServer("wsgi:app", env, "/login") as server:
            cookie = server.sign_in(EMAIL, demo.DEMO_PASSWORD)
            today = server.get("/today", cookie)
            if 'action="/logout"' not in today:
                raise RuntimeError(f"signing in as {EMAIL} failed: /today did not answer with Today")
            visit = VISIT_LINK.search(today)
            pages = {"today": "/today"}
            if visit:
                pages["visit"] = visit.group(1)
            else:
                print("No /visits/<id> link on Today: only Today is measured", file=sys.stderr)
            results = {key: audit(key, server.url + path, cookie, work) for key, path in pages.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"lighthouse": version(), "runs": RUNS, "pages": results}, indent=2) + "\n")
    print(f"\nWritten to {OUT.relative_to(ROOT)} (full reports in {REPORTS.relative_to(ROOT)}/)")
    return 0


def audit(key: str, url: str, cookie: str, work: Path) -> dict:
    """Lighthouse RUNS times on one page; the run with the median performance score."""
    runs = []
    for number in range(RUNS):
        path = work / f"{key}-{number}.json"
        command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={path}",
                   f"--only-categories={','.join(CATEGORIES)}",
                   "--chrome-flags=--headless=new --no-sandbox",
                   f"--extra-headers={json.dumps({'Cookie': cookie})}"]
        for attempt in range(1, ATTEMPTS + 1):
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME})
            if done.returncode == 0 and path.exists():
                break
            if attempt == ATTEMPTS:
                raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")
            print(f"Lighthouse failed on {url}; trying again", file=sys.stderr)
        runs.append(json.loads(path.read_text()))
    lhr = sorted(runs, key=lambda run: run["categories"]["performance"]["score"] or 0)[len(runs) // 2]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{key}.json").write_text(json.dumps(lhr))
    audits = lhr["audits"]
    weights = {ref["id"]: ref["weight"] for name in CATEGORIES for ref in lhr["categories"][name]["auditRefs"]}
    failing = [
        {"id": name, "title": item["title"], "score": item["score"], "value": item.get("displayValue", ""),
         "weight": weights.get(name, 0)}
        for name, item in audits.items()
        if item.get("score") is not None and item["score"] < 1
        and item.get("scoreDisplayMode") not in ("informative", "notApplicable", "manual")
    ]
    return {
        "url": urllib.parse.urlsplit(url).path,
        "scores": {name: round((lhr["categories"][name]["score"] or 0) * 100) for name in CATEGORIES},
        "runs": [{"performance": round((run["categories"]["performance"]["score"] or 0) * 100),
                  "total_blocking_time_ms": round(run["audits"]["total-blocking-time"]["numericValue"]),
                  "benchmark_index": round(run["environment"]["benchmarkIndex"])} for run in runs],
        "metrics": {name: audits[name].get("displayValue", "") for name in (
            "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
            "cumulative-layout-shift", "speed-index")},
        "total_blocking_time_ms": round(audits["total-blocking-time"]["numericValue"]),
        "failing": sorted(failing, key=lambda item: (-item["weight"], item["score"], item["id"])),
    }


def report(results: dict) -> None:
    for key, result in results.items():
        scores = result["scores"]
        print(f"\n{key} ({result['url']}): performance {scores['performance']}, "
              f"accessibility {scores['accessibility']}, best practices {scores['best-practices']}; "
              f"blocking time {result['total_blocking_time_ms']} ms")
        print("  runs (performance / blocking time / benchmark index): " + ", ".join(
            f"{run['performance']} / {run['total_blocking_time_ms']} ms / {run['benchmark_index']}"
            for run in result["runs"]))
        print("  " + ", ".join(f"{name} {value}" for name, value in result["metrics"].items()))
        for item in result["failing"]:
            value = f" ({item['value']})" if item["value"] else ""
            counted = f"weight {item['weight']}" if item["weight"] else "not in the score"
            print(f"  - {item['id']}: {item['title']}{value}, score {item['score']:.2f} ({counted})")


def version() -> str:
    package = LIGHTHOUSE.parent.parent / "package.json"
    return json.loads(package.read_text())["version"]


if __name__ == "__main__":
    sys.exit(main())
