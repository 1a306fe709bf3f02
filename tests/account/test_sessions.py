"""Sessions end on the server: a copied cookie stops working after sign-out, a password or role
change, deactivation, or an administrator ending them."""
import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, Role, User, UserSession
from tests.conftest import PASSWORD


def _copy_of(client, app):
    """A second client holding the same session cookie: what an attacker with a copy has."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _sessions_of(app, user) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def test_a_copied_cookie_stops_working_after_sign_out(app, client, auth):
    auth.as_role(Role.TECHNICIAN)
    thief = _copy_of(client, app)
    assert thief.get("/today").status_code == 200

    auth.logout()

    assert thief.get("/today").status_code == 302
    assert thief.post("/visits/1/fields/actions_taken", data={}).status_code == 302  # writes too


def test_the_cookie_holds_a_random_session_token_not_the_user_id(app, client, auth):
    user = auth.as_role(Role.TECHNICIAN)
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert token != str(user.id) and len(token) >= 43  # 256 bits from secrets
    with app.app_context():
        stored = db.session.scalar(select(UserSession.token_hash))
    assert token not in stored  # only a hash is stored: a copy of the database opens no session


def test_signing_out_one_device_keeps_the_others(app, auth, make):
    user = make.user(Role.TECHNICIAN)
    phone, desktop = app.test_client(), app.test_client()
    for device in (phone, desktop):
        assert device.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    assert _sessions_of(app, user) == 2

    phone.post("/logout")

    assert phone.get("/today").status_code == 302
    assert desktop.get("/today").status_code == 200


def test_changing_the_password_signs_out_every_other_device(app, client, auth):
    user = auth.as_role(Role.DISPATCHER)
    thief = _copy_of(client, app)

    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a new long password", "confirm": "a new long password"})

    assert response.status_code == 303
    assert client.get("/dispatch/").status_code == 200  # this browser stays signed in
    assert thief.get("/dispatch/").status_code == 302
    assert _sessions_of(app, user) == 1
    assert auth.login(user.email, "a new long password").status_code == 303


@pytest.mark.parametrize("data, field_message", [
    ({"current_password": "wrong", "new_password": "a new long password", "confirm": "a new long password"},
     "That is not your current password."),
    ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"current_password": PASSWORD, "new_password": "a new long password", "confirm": "something else!!"},
     "The two passwords differ."),
])
def test_a_bad_password_change_says_why_and_changes_nothing(app, client, auth, data, field_message):
    user = auth.as_role(Role.TECHNICIAN)
    thief = _copy_of(client, app)

    response = client.post("/account/password", data=data)

    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert thief.get("/today").status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_deactivation_ends_every_session_at_once(app, client, auth, make):
    technician = make.user(Role.TECHNICIAN)
    phone = app.test_client()
    phone.post("/login", data={"email": technician.email, "password": PASSWORD})
    auth.as_role(Role.ADMIN)

    assert client.post(f"/admin/users/{technician.id}/active", data={}).status_code == 303

    assert phone.get("/today").status_code == 302
    assert _sessions_of(app, technician) == 0


def test_a_role_change_ends_every_session_and_takes_effect(app, client, auth, make):
    dispatcher = make.user(Role.DISPATCHER)
    desk = app.test_client()
    desk.post("/login", data={"email": dispatcher.email, "password": PASSWORD})
    auth.as_role(Role.ADMIN)

    response = client.post(f"/admin/users/{dispatcher.id}/role", data={"role": "technician"})

    assert response.status_code == 303
    assert desk.get("/dispatch/").status_code == 302
    desk.post("/login", data={"email": dispatcher.email, "password": PASSWORD})
    assert desk.get("/dispatch/").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "user.role_changed")) == {
            "from": "dispatcher", "to": "technician"}


def test_an_admin_cannot_change_their_own_role(client, auth):
    admin = auth.as_role(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "technician"})
    assert response.status_code == 409
    assert "You cannot change your own role" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_an_admin_resets_a_password_and_ends_the_sessions(app, client, auth, make):
    technician = make.user(Role.TECHNICIAN)
    phone = app.test_client()
    phone.post("/login", data={"email": technician.email, "password": PASSWORD})
    auth.as_role(Role.ADMIN)

    assert client.post(f"/admin/users/{technician.id}/password", data={"password": "short"}).status_code == 422
    assert phone.get("/today").status_code == 200
    response = client.post(f"/admin/users/{technician.id}/password", data={"password": "brand new password"})

    assert response.status_code == 303
    assert phone.get("/today").status_code == 302
    assert phone.post("/login", data={"email": technician.email, "password": "brand new password"}).status_code == 303


def test_an_admin_ends_all_sessions_of_a_user(app, client, auth, make):
    technician = make.user(Role.TECHNICIAN)
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        device.post("/login", data={"email": technician.email, "password": PASSWORD})
    auth.as_role(Role.ADMIN)
    page = client.get(f"/admin/users/{technician.id}").get_data(as_text=True)
    assert "2 open sessions" in page

    response = client.post(f"/admin/users/{technician.id}/sessions/end")

    assert response.status_code == 303
    assert "2 sessions of" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert all(device.get("/today").status_code == 302 for device in devices)


def test_sign_out_everywhere_from_ones_own_account(app, client, auth):
    auth.as_role(Role.TECHNICIAN)
    other = _copy_of(client, app)
    assert client.post("/account/sessions/end").status_code == 303
    assert other.get("/today").status_code == 302
    assert client.get("/today").status_code == 302


def test_sessions_expire_on_the_server_too(app, client, auth):
    auth.as_role(Role.TECHNICIAN)
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.created_at = row.created_at - app.config["PERMANENT_SESSION_LIFETIME"]
        db.session.commit()
    assert client.get("/today").status_code == 302


def test_a_cookie_from_before_server_sessions_is_signed_out(client, auth):
    user = auth.as_role(Role.TECHNICIAN)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the old format named the user directly
    assert client.get("/today").status_code == 302
