"""While the customer holds the phone, the technician's screens need the technician's password
or PIN: the thank-you screen, the back button and typed URLs all lead to the unlock screen."""
import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, cid
from tests.visits.test_handover import on_site_visit, rating_data


def hand_over(client, visit) -> None:
    response = client.post(f"/visits/{visit.id}/handover/start", data={"client_id": cid()})
    assert response.status_code == 303 and response.headers["Location"] == f"/visits/{visit.id}/handover/"


@pytest.fixture
def handed_over(client, auth, make):
    technician = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, technician)
    hand_over(client, visit)
    return technician, visit


def test_the_thank_you_screen_asks_for_the_technician_before_going_back(client, handed_over):
    technician, visit = handed_over
    thanks = client.post(f"/visits/{visit.id}/handover/", data=rating_data(), follow_redirects=True)
    html = thanks.get_data(as_text=True)
    assert "Thank you" in html
    assert f'href="/visits/{visit.id}/handover/unlock"' in html
    assert f'href="/visits/{visit.id}"' not in html

    unlock = client.get(f"/visits/{visit.id}/handover/unlock")
    assert unlock.status_code == 200 and "Your password or PIN" in unlock.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/today", "/visits/{id}", "/scan/", "/account/", "/a/{token}"])
def test_every_staff_page_is_locked_while_the_customer_holds_the_phone(app, client, handed_over, path):
    technician, visit = handed_over
    with app.app_context():
        from fieldapp.models import Visit
        token = db.session.get(Visit, visit.id).case.asset.qr_token
    response = client.get(path.format(id=visit.id, token=token))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/visits/{visit.id}/handover/unlock"


def test_htmx_requests_are_sent_to_the_unlock_screen_too(client, handed_over):
    technician, visit = handed_over
    response = client.post(f"/visits/{visit.id}/fields/actions_taken", headers={"HX-Request": "true"},
                           data={"actions_taken": "customer typing", "client_id": "x"})
    assert response.headers["HX-Redirect"] == f"/visits/{visit.id}/handover/unlock"


def test_the_password_takes_the_phone_back(client, handed_over):
    technician, visit = handed_over
    response = client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == f"/visits/{visit.id}"
    assert client.get("/today").status_code == 200


def test_a_pin_the_technician_set_takes_the_phone_back(app, client, auth, make):
    technician = auth.as_role(Role.TECHNICIAN)
    assert client.post("/account/pin", data={"pin": "4821", "confirm": "4821"}).status_code == 303
    visit = on_site_visit(make, technician)
    hand_over(client, visit)

    assert client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "4821"}).status_code == 303
    assert client.get("/today").status_code == 200


@pytest.mark.parametrize("pin, confirm, message", [("12", "12", "4 to 8 digits"), ("12ab", "12ab", "4 to 8 digits"),
                                                  ("1234", "4321", "The two PINs differ.")])
def test_a_bad_pin_is_refused_with_a_message(app, client, auth, pin, confirm, message):
    technician = auth.as_role(Role.TECHNICIAN)
    response = client.post("/account/pin", data={"pin": pin, "confirm": confirm})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, technician.id).pin_hash is None


def test_a_wrong_secret_keeps_the_lock_and_five_sign_the_technician_out(app, client, handed_over):
    technician, visit = handed_over
    for attempt in range(4):
        response = client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "0000"})
        assert response.status_code == 401
        left = 4 - attempt
        assert f"({left} attempt{'s' if left > 1 else ''} left)" in response.get_data(as_text=True)
        assert client.get("/today").status_code == 303

    last = client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "0000"})

    assert last.status_code == 303 and last.headers["Location"] == "/login"
    assert client.get("/today").status_code == 302  # signed out: a sign-in is needed
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "user.handover_unlock_failed")) is not None


def test_signing_out_is_still_possible_while_locked(client, handed_over):
    assert client.post("/logout").status_code == 303
    assert client.get("/today").status_code == 302


def test_a_visit_not_yet_on_site_is_not_handed_over_and_the_page_says_why(client, auth, make):
    technician = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(technician, make.case())
    response = client.post(f"/visits/{visit.id}/handover/start", data={"client_id": cid()})
    assert response.status_code == 409
    assert "once you are on site" in response.get_data(as_text=True)
    assert client.get("/today").status_code == 200  # not locked


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_from_before_the_hand_over_does_not_undo_the_lock(client, auth, make):
    """An answer started before the hand-over (the phone keeping pages for offline use) carries
    the cookie from then: the lock is on the server's session row, not in the cookie."""
    technician = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, technician)
    before = _cookie(client)
    hand_over(client, visit)

    client.set_cookie("session", before)

    response = client.get("/today")
    assert response.status_code == 303 and response.headers["Location"] == f"/visits/{visit.id}/handover/unlock"


def test_a_cookie_saved_at_the_hand_over_and_replayed_gives_no_more_guesses(client, handed_over):
    technician, visit = handed_over
    saved = _cookie(client)
    for _ in range(3):
        assert client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "0000"}).status_code == 401

    client.set_cookie("session", saved)  # as if the three wrong answers never happened
    fourth = client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "0000"})
    assert fourth.status_code == 401 and "(1 attempt left)" in fourth.get_data(as_text=True)
    client.set_cookie("session", saved)
    fifth = client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": "0000"})
    assert fifth.status_code == 303 and fifth.headers["Location"] == "/login"

    client.set_cookie("session", saved)  # the session itself has ended: no more guesses at all
    assert client.post(f"/visits/{visit.id}/handover/unlock", data={"secret": PASSWORD}).status_code == 302
    assert client.get("/today").status_code == 302
