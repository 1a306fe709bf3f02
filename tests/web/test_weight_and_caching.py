"""Weight and caching: text compressed by the app, an unchanged page reload answered 304 (its
CSRF token still good), the manifest versioned like the other static files, and a technician's
first load of Today within 30 KB on the wire."""
from __future__ import annotations

import csv
import gzip
import io
import html
import re
from pathlib import Path
from datetime import timedelta
from urllib.parse import urlsplit

import brotli
import pytest

from fieldapp import clock
from fieldapp.forms.fields import new_client_id
from fieldapp.models import Role
from fieldapp.services import exports
from tests.conftest import PASSWORD, Factory

GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
FIRST_LOAD_BUDGET = 30 * 1024
ASSET_LINK = re.compile(r'<(?:link rel="(?:stylesheet|manifest)" href|script src)="([^"]+)"')
HEADER_TOKEN = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')


def at_local(app, hour, days=0):
    with app.app_context():
        return clock.at_local(clock.today() + timedelta(days=days), hour)


def fetch(client, url, **headers):
    """The response with its body read (static files are streamed from open files)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def a_day_of_visits(app, make, technician, count=6):
    return [make.visit(technician, make.case(description=f"Job {hour}: the drum stopped turning mid-cycle"),
                       start=at_local(app, hour)) for hour in range(8, 8 + count)]


# Compression

def test_a_page_is_gzipped_when_the_client_accepts_it(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    a_day_of_visits(app, make, me)
    plain = client.get("/today")

    zipped = client.get("/today", headers=GZIP)

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "HX-Request" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data()) / 3
    html = gzip.decompress(zipped.get_data()).decode()
    assert "Job 8: the drum stopped" in html and html.rstrip().endswith("</html>")
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]


def test_a_browser_offering_everything_gets_brotli(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})

    assert response.headers["Content-Encoding"] == "br"
    assert b'<link rel="manifest"' in brotli.decompress(response.get_data())


def test_static_text_is_brotli_at_the_best_level_and_the_same_bytes_unpacked(app, client):
    with open(Path(app.static_folder) / "vendor" / "htmx-2.0.11.min.js", "rb") as file:
        source = file.read()
    first = fetch(client, "/static/vendor/htmx-2.0.11.min.js", **BROWSER)
    again = fetch(client, "/static/vendor/htmx-2.0.11.min.js", **BROWSER)
    gzipped = fetch(client, "/static/vendor/htmx-2.0.11.min.js", **GZIP)

    assert first.headers["Content-Encoding"] == "br" and "Accept-Encoding" in first.headers["Vary"]
    assert brotli.decompress(first.get_data()) == source
    assert len(first.get_data()) == int(first.headers["Content-Length"]) <= len(brotli.compress(source, quality=5)) - 1000
    assert again.get_data() == first.get_data()
    # Each encoding its own tag, so a cache never confuses the two.
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(gzipped.get_data()) == source
    assert first.headers["ETag"] != gzipped.headers["ETag"]


def test_tiny_answers_and_images_are_not_compressed(client):
    health = client.get("/healthz", headers=GZIP)
    icon = fetch(client, "/static/icons/icon-192.png", **GZIP)

    assert health.get_json() == {"status": "ok"} and "Content-Encoding" not in health.headers
    assert icon.status_code == 200 and icon.mimetype == "image/png" and "Content-Encoding" not in icon.headers


def test_a_byte_range_is_sent_as_plain_bytes(client):
    with client.get("/static/app.css", headers={**GZIP, "Range": "bytes=0-1999"}) as part:
        assert part.status_code == 206 and "Content-Encoding" not in part.headers
        assert len(part.get_data()) == 2000 and part.headers["Content-Range"].startswith("bytes 0-1999/")


@pytest.mark.parametrize("encoding", ["gzip", None])
def test_a_csv_export_still_streams_compressed_or_not(app, client, auth, make, encoding):
    auth.as_role(Role.DISPATCHER)
    technician = make.user(Role.TECHNICIAN, name="Tess Tech")
    a_day_of_visits(app, make, technician, count=3)
    day = make.today().isoformat()

    response = client.get("/exports/visits.csv", query_string={"from": day, "to": day},
                          headers={"Accept-Encoding": encoding} if encoding else {})

    assert response.status_code == 200 and response.is_streamed and "Content-Length" not in response.headers
    assert response.headers.get("Content-Encoding") == encoding
    body = response.get_data()
    text = (gzip.decompress(body) if encoding else body).decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == exports.EXPORTS["visits"].header
    assert len(rows) == 4 and all("Tess Tech" in row for row in rows[1:])


# 304 on an unchanged poll (the page's script sends the tag it holds: signed-in pages are no-store)

def test_an_unchanged_poll_of_today_is_a_304_that_keeps_its_headers(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    a_day_of_visits(app, make, me, count=2)
    first = client.get("/today", headers=GZIP)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert client.get("/today").headers["ETag"] == etag  # the same tag with or without gzip

    again = client.get("/today", headers={**GZIP, "If-None-Match": etag})

    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"] == "no-store"
    assert "Accept-Encoding" in again.headers["Vary"] and "HX-Request" in again.headers["Vary"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert again.headers[name] == first.headers[name]


def test_the_page_carries_the_tag_of_its_polled_part_so_the_first_poll_is_a_304(app, client, auth, make):
    """Signed-in pages are no-store: the page's script sends the tag it was given (static/app.js)."""
    me = auth.as_role(Role.TECHNICIAN)
    a_day_of_visits(app, make, me)
    page = client.get("/today").get_data(as_text=True)
    found = re.search(r'id="visit-list"[^>]*data-etag="([^"]+)"', page)
    assert found, "the polled part carries no tag"
    tag = html.unescape(found[1])

    poll = client.get("/today", headers={"HX-Request": "true", "If-None-Match": tag})
    assert poll.status_code == 304 and poll.get_data() == b""
    assert client.get("/today", headers={"HX-Request": "true"}).headers["ETag"] == tag


def test_a_change_on_today_gives_a_200_with_a_new_tag(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    a_day_of_visits(app, make, me, count=2)
    etag = client.get("/today").headers["ETag"]

    make.visit(me, make.case(description="New job from dispatch"), start=at_local(app, 16))
    changed = client.get("/today", headers={"If-None-Match": etag})

    assert changed.status_code == 200 and "New job from dispatch" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_the_full_page_and_its_htmx_fragment_have_different_tags(client, auth):
    auth.as_role(Role.TECHNICIAN)
    page = client.get("/today")
    fragment = client.get("/today", headers={"HX-Request": "true"})

    assert page.headers["ETag"] != fragment.headers["ETag"]
    assert client.get("/today", headers={"HX-Request": "true", "If-None-Match": page.headers["ETag"]}
                      ).status_code == 200
    assert client.get("/today", headers={"If-None-Match": fragment.headers["ETag"]}).status_code == 200


def test_other_answers_get_no_page_tag(client, auth):
    auth.as_role(Role.TECHNICIAN)
    assert "ETag" not in client.get("/healthz").headers
    assert "ETag" not in client.get("/nowhere").headers  # a 404 page
    assert "ETag" not in client.post("/logout").headers


@pytest.fixture
def csrf_app(new_app):
    return new_app(WTF_CSRF_ENABLED=True)


def sign_in(client, email):
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 303


def test_the_csrf_token_of_a_page_kept_through_a_304_still_works(csrf_app):
    make = Factory(csrf_app)
    me = make.user(Role.TECHNICIAN)
    [visit] = a_day_of_visits(csrf_app, make, me, count=1)
    client = csrf_app.test_client()
    sign_in(client, me.email)
    first = client.get("/today")
    kept_token = HEADER_TOKEN.search(first.get_data(as_text=True)).group(1)
    assert client.get("/today", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    # The browser shows the page it kept, and a tap sends that page's token.
    response = client.post(f"/visits/{visit.id}/start-travel", data={"client_id": new_client_id()},
                           headers={"X-CSRFToken": kept_token})

    assert response.status_code == 303


def test_a_page_kept_from_before_signing_out_is_not_confirmed(csrf_app):
    make = Factory(csrf_app)
    me = make.user(Role.TECHNICIAN)
    client = csrf_app.test_client()
    sign_in(client, me.email)
    first = client.get("/today")
    token = HEADER_TOKEN.search(first.get_data(as_text=True)).group(1)
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 303
    sign_in(client, me.email)

    # Same visits, same person, but a new session: the old page's token would be refused.
    again = client.get("/today", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]


# The manifest, versioned

def test_the_manifest_is_versioned_and_cached_for_a_year_like_other_static_files(client):
    html = client.get("/login").get_data(as_text=True)
    [href] = re.findall(r'<link rel="manifest" href="([^"]+)"', html)
    assert re.fullmatch(r"/static/manifest\.webmanifest\?v=[0-9a-f]{12}", href)

    manifest = fetch(client, href, **GZIP)

    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    assert manifest.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert manifest.headers["Content-Encoding"] == "gzip"
    assert b'"start_url": "/"' in gzip.decompress(manifest.get_data())


# First load

def test_a_technicians_first_load_of_today_is_at_most_30_kb_on_the_wire(app, client, auth, make):
    """As a phone's browser asks for it (Chromium offers br; gzip alone is about 3 KB more, see README)."""
    me = auth.as_role(Role.TECHNICIAN)
    a_day_of_visits(app, make, me)
    page = client.get("/today", headers=BROWSER)
    assert page.headers["Content-Encoding"] == "br"
    sizes = {"/today": len(page.get_data())}
    for href in ASSET_LINK.findall(brotli.decompress(page.get_data()).decode()):
        url = urlsplit(href)
        assert not url.netloc, f"{href} is not same-origin"
        asset = fetch(client, href.replace("&amp;", "&"), **BROWSER)
        assert asset.status_code == 200 and asset.headers["Content-Encoding"] == "br", href
        sizes[url.path] = len(asset.get_data())

    assert {"/static/app.css", "/static/app.js", "/static/manifest.webmanifest"} <= set(sizes)
    assert sum(sizes.values()) <= FIRST_LOAD_BUDGET, sizes
