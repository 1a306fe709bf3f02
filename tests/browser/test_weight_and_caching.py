"""Weight and caching in a real browser: a technician's first load of Today is small and
compressed; the page is never kept by the browser (no-store: it holds customers' data), yet its
60-second poll of an unchanged day is a 304, the page's script sending the tag it holds."""
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

FIRST_LOAD_BUDGET = 30 * 1024
TEXT_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript")
# Bytes of every body the page loaded, as they came over the wire (compressed).
BYTES_LOADED_JS = """
() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
  .reduce((sum, entry) => sum + entry.encodedBodySize, 0)
"""


def record_statuses(app) -> list[tuple[str, str]]:
    """(path, status) of every answer the server sends the page, seen below Flask."""
    seen = []
    wsgi_app = app.wsgi_app

    def recording(environ, start_response):
        def start(status, headers, *exc_info):
            if environ.get("HTTP_X_FIELDAPP_PREFETCH") != "1":  # not the worker keeping copies for offline use
                seen.append((environ["PATH_INFO"], status.split()[0]))
            return start_response(status, headers, *exc_info)
        return wsgi_app(environ, start)

    app.wsgi_app = recording
    return seen


def test_today_loads_light_is_never_kept_and_an_unchanged_poll_is_a_304(page, server, live_app, csp_violations):
    sign_in(page, server, "tech@demo.test")
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    encodings = {}
    page.on("response", lambda response: encodings.update(
        {response.url: response.headers.get("content-encoding")})
        if response.status == 200 and response.headers.get("content-type", "").startswith(TEXT_TYPES) else None)
    statuses = record_statuses(live_app)

    page.clock.install()
    page.goto(server.url + "/today")
    expect(page.locator("article.visit-card").first).to_be_visible()

    assert encodings and all(encoding in ("br", "zstd", "gzip") for encoding in encodings.values()), encodings
    assert page.evaluate(BYTES_LOADED_JS) <= FIRST_LOAD_BUDGET

    # Nothing of the page is kept: a reload asks for it whole.
    before_reload = len(statuses)
    page.reload()
    expect(page.locator("article.visit-card").first).to_be_visible()
    assert [status for path, status in statuses[before_reload:] if path == "/today"] == ["200"]

    # The poll sends the tag of what is shown: unchanged, a 304 and the page as it is.
    before_poll = len(statuses)
    with page.expect_response(lambda response: "/today" in response.url and
                              response.request.headers.get("hx-request") == "true", timeout=70_000) as polled:
        page.clock.run_for(61_000)
    assert polled.value.status == 304 and polled.value.request.headers.get("if-none-match")
    assert [status for path, status in statuses[before_poll:] if path == "/today"] == ["304"]
    expect(page.locator("article.visit-card").first).to_be_visible()

    # The page still carries a token that works.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(server.url + "/login")
    assert csp_violations == []
