from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, FailedLogin, Role, User
from tests.conftest import PASSWORD


def test_sign_in_sends_each_role_to_its_home(client, auth, make):
    homes = {Role.TECHNICIAN: "/today", Role.DISPATCHER: "/dispatch/", Role.ADMIN: "/admin/"}
    for role, home in homes.items():
        user = make.user(role)
        response = auth.login(user.email)
        assert response.status_code == 303
        assert response.headers["Location"] == home
        assert client.get("/").headers["Location"] == home
        auth.logout()


def test_sign_in_ignores_case_and_spaces_in_the_email(auth, make):
    user = make.user(Role.TECHNICIAN, email="pat@example.com")
    assert auth.login("  Pat@Example.COM ").status_code == 303
    assert user.email == "pat@example.com"


def test_the_session_lasts_a_working_day(client, auth, make):
    auth.login(make.user().email)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None
    assert cookie.http_only


def test_wrong_password_is_refused_with_a_message(app, client, auth, make):
    user = make.user()
    response = auth.login(user.email, "not the password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/today").status_code == 302  # still signed out
    with app.app_context():
        assert db.session.scalar(select(func.count(FailedLogin.id))) == 1


def test_unknown_user_gets_the_same_message(auth):
    response = auth.login("nobody@example.com", "whatever-password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_malformed_sign_in_form_is_a_422_with_messages(auth):
    response = auth.login("not-an-email", "")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a valid email address" in body
    assert "Enter your password." in body
    assert 'value="not-an-email"' in body  # what was typed is kept


def test_failed_sign_ins_are_throttled_even_for_the_right_password(app, auth, make):
    user = make.user()
    for _ in range(5):
        assert auth.login(user.email, "guess").status_code == 401

    response = auth.login(user.email, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_throttling_ends_after_the_window(app, auth, make):
    user = make.user()
    for _ in range(5):
        auth.login(user.email, "guess")
    with app.app_context():
        for failure in db.session.scalars(select(FailedLogin)):
            failure.at = failure.at.replace(year=failure.at.year - 1)
        db.session.commit()
    assert auth.login(user.email).status_code == 303


def test_many_failures_from_one_client_throttle_other_accounts_too(app, auth, make):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 3
    victim = make.user()
    for n in range(3):
        auth.login(f"guess{n}@example.com", "guess")
    assert auth.login(victim.email).status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(app, auth, make):
    user = make.user()
    for _ in range(4):
        auth.login(user.email, "guess")
    assert auth.login(user.email).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(FailedLogin.id))) == 0
        assert db.session.scalar(select(AuditEvent.action)) == "user.signed_in"


def test_inactive_users_cannot_sign_in(auth, make):
    user = make.user(active=False)
    assert auth.login(user.email).status_code == 401


def test_deactivating_a_user_ends_their_session(app, client, auth, make):
    user = auth.as_role(Role.TECHNICIAN)
    assert client.get("/today").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/today").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, auth):
    auth.as_role(Role.DISPATCHER)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/dispatch/").status_code == 302
    assert "You are signed out." in client.get("/login").get_data(as_text=True)


def test_sign_in_returns_to_the_page_asked_for(client, auth, make):
    user = make.user(Role.ADMIN)
    redirect = client.get("/admin/audit")
    assert redirect.headers["Location"] == "/login?next=/admin/audit"
    response = client.post("/login?next=/admin/audit",
                           data={"email": user.email, "password": PASSWORD, "next": "/admin/audit"})
    assert response.headers["Location"] == "/admin/audit"


def test_sign_in_never_redirects_to_another_site(client, make):
    user = make.user(Role.ADMIN)
    for target in ("https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com", "javascript:alert(1)"):
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/admin/", target
        client.post("/logout")


def test_signed_in_user_opening_login_goes_home(client, auth):
    auth.as_role(Role.TECHNICIAN)
    assert client.get("/login").headers["Location"] == "/today"


def test_htmx_request_without_session_is_sent_to_login(client):
    response = client.get("/today", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=/today")
