"""CSRF on every state change, security headers and cookie flags on every page."""
import re

import pytest

from fieldapp.models import Role
from tests.conftest import PASSWORD, Factory, csrf_token_from
from tests.web.test_access import ROUTES, route_sample, route_url


@pytest.fixture
def csrf_app(new_app):
    return new_app(WTF_CSRF_ENABLED=True)


def _sign_in(client, email):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


# A mail client's one-click unsubscribe (RFC 8058) posts without a page, so without a CSRF token:
# the link's own token (192 random bits, one purpose) is the key, and all it can do is stop mail.
CSRF_EXEMPT = {"my.stop_post"}
POST_ROUTES = [endpoint for endpoint, method in ROUTES if method == "POST" and endpoint not in CSRF_EXEMPT]


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_every_post_route_rejects_a_missing_csrf_token(csrf_app, endpoint):

    make = Factory(csrf_app)
    technician = make.user(Role.TECHNICIAN)
    client = csrf_app.test_client()
    _sign_in(client, technician.email)
    url = route_url(csrf_app, endpoint, route_sample(make, technician))

    response = client.post(url, data={"email": "x@example.com", "password": "y", "name": "n"})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 200  # still signed in, nothing changed


def test_a_stale_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "a@example.com", "password": "x", "csrf_token": "forged"})
    assert response.status_code == 400


def test_htmx_sends_the_token_in_a_header(csrf_app):

    admin = Factory(csrf_app).user(Role.ADMIN)
    client = csrf_app.test_client()
    _sign_in(client, admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    header_token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    without = client.post("/logout", headers={"HX-Request": "true"})
    assert without.status_code == 400
    assert without.headers["HX-Retarget"] == "#messages"  # message shown, form left as typed
    with_header = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": header_token})
    assert with_header.status_code == 303


# path: who opens it (None: signed out)
PAGES = {"/login": None, "/today": Role.TECHNICIAN, "/dispatch/": Role.DISPATCHER, "/admin/": Role.ADMIN,
         "/admin/audit": Role.ADMIN, "/no-such-page": None, "/healthz": None, "/static/app.css": None}


@pytest.mark.parametrize("path, role", PAGES.items())
def test_security_headers_on_every_page(client, auth, path, role):
    if role:
        auth.as_role(role)
    with client.get(path) as response:
        _assert_security_headers(response)


def _assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "HX-Request" in response.headers["Vary"]


def test_pages_have_no_inline_scripts_or_styles(client, auth):
    pages = [client.get("/login")]
    auth.as_role(Role.ADMIN)
    pages += [client.get(path) for path in ("/admin/", "/dispatch/", "/admin/audit", "/nowhere")]
    for response in pages:
        html, path = response.get_data(as_text=True), response.request.path
        assert "<script>" not in html and " style=" not in html and "hx-on" not in html, path
        assert "<script src=" in html


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development


def test_session_cookie_is_secure_over_https(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           base_url="https://fieldapp.test")
    assert "Secure" in response.headers["Set-Cookie"]


def test_versioned_static_files_are_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html).group(1)
    with client.get(css) as response:
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_never_stored_by_the_browser_and_public_ones_not_by_shared_caches(client, auth, make):
    asset = make.asset()
    assert client.get(f"/a/{asset.qr_token}").headers["Cache-Control"] == "private, no-cache"  # nothing private
    auth.as_role(Role.TECHNICIAN)
    # A shared office computer's disk cache and the Back button's page cache keep nothing of it.
    for path in ("/today", "/account/", f"/a/{asset.qr_token}"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_the_one_click_unsubscribe_needs_no_page_but_a_real_link(csrf_app):
    make = Factory(csrf_app)
    visit = make.visit()
    link = make.customer_link(visit, "unsubscribe")
    client = csrf_app.test_client()
    assert client.post("/my/stop/" + "A" * 32, data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.post(f"/my/stop/{link.token}", data={"List-Unsubscribe": "One-Click"}).status_code == 204
