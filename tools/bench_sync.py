"""`make bench`, offline part: a technician's phone (Chromium, through Playwright) queues
QUEUED changes without signal, then signal returns; measured from reconnecting until the
outbox is empty, sent by the app's own service worker one change after the other, as a phone
does (each with its write id and time; one CSRF token per sending run)."""
from __future__ import annotations

import time

from fieldapp import demo

QUEUED = 200
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TEXT_FIELDS = ("actions_taken", "preventative_advice", "next_steps")

# In the page: QUEUED field saves of the visit on screen, stored as app.js stores a change.
QUEUE_JS = """
([count, fields, user]) => {
  const forms = fields.map(name => document.getElementById('field-' + name));
  const puts = [];
  for (let i = 0; i < count; i++) {
    const form = forms[i % forms.length];
    const data = new FormData(form);
    const name = fields[i % fields.length];
    data.set(name, 'Change ' + i + ' made without signal');
    const entries = [];
    data.forEach((value, key) => { if (key !== 'csrf_token') entries.push([key, value]); });
    puts.push(FieldStore.put('outbox', {
      id: crypto.randomUUID(), seq: FieldStore.nextSeq(), user: user, url: new URL(form.action).pathname,
      label: name, visit: null, page: document.title, at: new Date().toISOString(), fields: entries,
      state: 'waiting', attempts: 0}));
  }
  return Promise.all(puts).then(() => FieldStore.all()).then(items => items.length);
}
"""


EDITABLE_JS = "fields => fields.every(name => document.getElementById('field-' + name) !== null)"


def measure(base_url: str) -> dict | None:
    """Seconds from reconnecting until QUEUED changes are delivered; None without the demo
    technician (the generated company at scale has other names)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(**playwright.devices["Pixel 7"])
            page = context.new_page()
            page.goto(base_url + "/login")
            page.get_by_label("Email").fill("tech@demo.test")
            page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            if "/login" in page.url:
                return None
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
            plan = page.evaluate("() => fetch('/offline/manifest').then(r => r.json())")
            # A visit whose report can still be typed into (at scale, the first one of the day
            # may be finished already: its page has no field forms).
            for visit in plan["visits"]:
                page.goto(base_url + visit["url"])
                if page.evaluate(EDITABLE_JS, list(TEXT_FIELDS)):
                    break
            else:
                return {"changes": 0, "seconds": 0.0, "left": 0, "changes_per_s": 0.0,
                        "skipped": "no visit of the technician's offline plan can still be edited"}
            context.set_offline(True)
            queued = page.evaluate(QUEUE_JS, [QUEUED, list(TEXT_FIELDS), plan["user"]])
            started = time.monotonic()
            context.set_offline(False)
            page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active.postMessage({type: 'send'}))")
            left = queued
            while left and time.monotonic() - started < 300:
                page.wait_for_timeout(50)
                left = page.evaluate("() => FieldStore.all().then(items => items.length)")
            seconds = time.monotonic() - started
            return {"changes": queued, "seconds": round(seconds, 2), "left": left,
                    "changes_per_s": round(queued / seconds, 1) if seconds else 0.0}
        finally:
            browser.close()
