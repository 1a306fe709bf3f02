"""Browser tests: Playwright driving Debian's Chromium on a phone viewport, against the app
served by a real server thread on 127.0.0.1 with a free port and its own database."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from fieldapp import demo

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # No skip when the browser is missing: `make test` installs it, CI must never pass without it.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium"
    # Playwright turns the back-forward cache off; a phone's Chrome keeps pages in it (the Back
    # button after a hand-over must not show the technician's page): on, as on a phone.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROME_ARGS,
            "ignore_default_args": ["--disable-back-forward-cache"]}


# Chrome notes every 4xx answer of a request in the console, whatever the page does with it; an
# expected refusal (the form comes back with its errors) is that and nothing more.
REFUSALS = tuple(f"the server responded with a status of {status}" for status in (401, 409, 422))


@pytest.fixture(autouse=True)
def console_errors(request):
    """Every page a test drives logs no error to the console (an expected refusal, a 409 or a
    422, is no error: see htmx's responseHandling in base.html). A test that provokes one on
    purpose (a server failing) names what it expects: @pytest.mark.console_errors("...", ...)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(f"uncaught: {error}"))
    yield seen
    marker = request.node.get_closest_marker("console_errors")
    expected = (*REFUSALS, *(marker.args if marker else ()))
    unexpected = [text for text in seen if not any(pattern in text for pattern in expected)]
    assert unexpected == [], f"console errors: {unexpected}"


@pytest.fixture(scope="session")
def phone(playwright):
    return dict(playwright.devices["Pixel 7"])


@pytest.fixture(scope="session")
def browser_context_args(phone):
    # The service worker keeps a technician's pages after each sign-in (some 25 requests): only
    # the modules about it, and the technician's main flow, let it run (their own override).
    return {**phone, "service_workers": "block"}


@pytest.fixture(scope="session")
def with_service_worker(phone):
    return {**phone, "service_workers": "allow"}


class LiveServer:
    """The app on a real server thread. A phone's service worker keeps sending requests in the
    background (it outlives the page): at the end, new requests are turned away and those in
    flight are waited for, so none still holds a database connection when the test's database
    is closed (PostgreSQL warns about a connection dropped open)."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.in_flight = 0
        self.closing = False
        self.server = make_server("127.0.0.1", 0, self.serve, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def serve(self, environ, start_response):
        with self.lock:
            if self.closing:
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return [b""]
            self.in_flight += 1
        try:
            answer = self.app(environ, start_response)
            try:
                return [b"".join(answer)]  # the whole answer now: its end is the request's end
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            with self.lock:
                self.in_flight -= 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        with self.lock:
            self.closing = True
        deadline = time.monotonic() + 10
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(new_app):
    """The app as a browser sees it: CSRF on, demo company loaded."""
    return new_app(template="demo", WTF_CSRF_ENABLED=True, TESTING=False)


@pytest.fixture
def server(live_app):
    with LiveServer(live_app) as live:
        yield live


@pytest.fixture
def csp_violations(page):
    """Collect console errors about the Content-Security-Policy (there must be none)."""
    seen = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def sign_in(page, server, email, password=demo.DEMO_PASSWORD):
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if password == demo.DEMO_PASSWORD:  # wait until signed in, so the next step starts from home
        page.wait_for_url(lambda url: "/login" not in url)
