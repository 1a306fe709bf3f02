"""Who is throttled: never the owner of an account because of someone else's guesses, every
client separately behind a trusted proxy, and staff not by the customers' limits."""
import pytest

from fieldapp.models import Role
from tests.conftest import PASSWORD

OWNER = {"REMOTE_ADDR": "198.51.100.7"}
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}


def _login(client, email, password, environ):
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


def test_an_attacker_elsewhere_never_locks_the_owner_out(client, make):
    owner = make.user(Role.ADMIN)
    for _ in range(12):
        _login(client, owner.email, "guess", ATTACKER)
    assert _login(client, owner.email, "guess", ATTACKER).status_code == 429  # the attacker is stopped

    assert _login(client, owner.email, PASSWORD, OWNER).status_code == 303  # the owner is not


def test_guesses_at_many_accounts_from_one_client_are_stopped(app, client, make):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 4
    victim = make.user()
    for n in range(4):
        _login(client, f"guess{n}@example.com", "guess", ATTACKER)
    assert _login(client, victim.email, PASSWORD, ATTACKER).status_code == 429
    assert _login(client, victim.email, PASSWORD, OWNER).status_code == 303


def _proxied(client, path, forwarded_for, method="get", **kw):
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for}
    return getattr(client, method)(path, environ_base=environ, **kw)


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app, client, make):
    """The default: a client cannot pick its own address by sending X-Forwarded-For."""
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 3
    for n in range(3):
        _proxied(client, "/login", f"192.0.2.{n}", "post", data={"email": f"g{n}@example.com", "password": "x"})
    user = make.user()
    response = _proxied(client, "/login", "192.0.2.99", "post", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_apart(new_app, make):
    app = new_app(TRUSTED_PROXY_HOPS=1, LOGIN_MAX_FAILURES_PER_CLIENT=3)
    client = app.test_client()
    from tests.conftest import Factory

    user = Factory(app).user()
    for n in range(3):
        _proxied(client, "/login", "192.0.2.1", "post", data={"email": f"g{n}@example.com", "password": "x"})
    blocked = _proxied(client, "/login", "192.0.2.1", "post", data={"email": user.email, "password": PASSWORD})
    other = _proxied(client, "/login", "192.0.2.2", "post", data={"email": user.email, "password": PASSWORD})

    assert blocked.status_code == 429
    assert other.status_code == 303


def test_behind_a_trusted_proxy_customers_have_their_own_page_budget(new_app):
    from tests.conftest import Factory

    app = new_app(TRUSTED_PROXY_HOPS=1)
    asset = Factory(app).asset()
    client = app.test_client()
    for _ in range(60):
        _proxied(client, f"/a/{asset.qr_token}", "192.0.2.1")
    assert _proxied(client, f"/a/{asset.qr_token}", "192.0.2.1").status_code == 429
    assert _proxied(client, f"/a/{asset.qr_token}", "192.0.2.2").status_code == 200


def test_behind_a_trusted_proxy_https_is_seen_and_cookies_are_secure(new_app):
    from tests.conftest import Factory

    app = new_app(TRUSTED_PROXY_HOPS=1)
    user = Factory(app).user()
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                      environ_base={"HTTP_X_FORWARDED_PROTO": "https",
                                                    "HTTP_X_FORWARDED_FOR": "192.0.2.5"})
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("bad", ["-1", "two"])
def test_a_wrong_proxy_setting_stops_the_app_at_start(new_app, bad):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXY_HOPS"):
        new_app(TRUSTED_PROXY_HOPS=bad)


def test_staff_browsing_histories_are_not_limited_like_customers(client, auth, make):
    asset = make.asset()
    auth.as_role(Role.DISPATCHER)
    statuses = {client.get(f"/a/{asset.qr_token}").status_code for _ in range(70)}
    assert statuses == {200}


def test_a_runaway_staff_script_is_limited_per_person(app, client, auth):
    app.config["STAFF_WRITE_LIMIT"] = "5 per minute"
    auth.as_role(Role.DISPATCHER)
    statuses = [client.post("/assets/new", data={}).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    assert client.get("/dispatch/").status_code == 200  # reading goes on
