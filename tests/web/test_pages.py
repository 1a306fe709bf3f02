"""The role home pages: today's visits, the dispatch board, administration; error pages."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import AuditEvent, CaseStatus, Priority, Role, User, VisitStatus


def local_today_at(app, hour, days=0):
    with app.app_context():
        return clock.at_local(clock.today() + timedelta(days=days), hour)


def test_today_lists_only_my_visits_for_today_in_time_order(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    someone_else = make.user(Role.TECHNICIAN)
    late = make.visit(me, make.case(description="Fridge too warm"), start=local_today_at(app, 15))
    early = make.visit(me, make.case(description="Heat pump noisy"), start=local_today_at(app, 8))
    make.visit(me, make.case(description="Tomorrow's job"), start=local_today_at(app, 9, days=1))
    make.visit(someone_else, make.case(description="Not mine"), start=local_today_at(app, 10))

    html = client.get("/today").get_data(as_text=True)

    assert html.index("Heat pump noisy") < html.index("Fridge too warm")
    assert "Not mine" not in html and "Tomorrow&#39;s job" not in html
    assert "08:00–10:00" in html and "15:00–17:00" in html
    assert html.index(f'href="/visits/{early.id}"') < html.index(f'href="/visits/{late.id}"')  # cards open in order


def test_today_shows_contact_links_asset_and_coverage(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    customer = make.customer(name="Ada Lovelace", phone="+31 6 1234 5678", address="Dam 1, Amsterdam")
    asset = make.asset(customer=customer, serial_number="SER-42")
    make.visit(me, make.case(asset=asset), start=local_today_at(app, 9))
    billable = make.asset(warranty=False)
    make.visit(me, make.case(asset=billable), start=local_today_at(app, 13))

    html = client.get("/today").get_data(as_text=True)

    assert 'href="tel:+31612345678"' in html
    assert "maps/search/?api=1&amp;query=Dam%201%2C%20Amsterdam" in html
    assert "SER-42" in html and "Ada Lovelace" in html
    assert "In warranty" in html and "Billable" in html


def test_today_switches_to_other_days(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    make.visit(me, make.case(description="Yesterday's repair"), start=local_today_at(app, 9, days=-1))
    with app.app_context():
        yesterday = (clock.today() - timedelta(days=1)).isoformat()

    html = client.get(f"/today?day={yesterday}").get_data(as_text=True)

    assert "Yesterday&#39;s repair" in html and "Back to today" in html
    assert "No visits planned" in client.get("/today").get_data(as_text=True)


def test_today_refuses_a_malformed_or_far_day(client, auth):
    auth.as_role(Role.TECHNICIAN)
    bad = client.get("/today?day=tomorrow-ish")
    assert bad.status_code == 400 and "must be a date" in bad.get_data(as_text=True)
    assert client.get("/today?day=1999-01-01").status_code == 400


def test_today_polls_with_a_fragment_of_just_the_list(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    make.visit(me, make.case(description="Added by dispatch"), start=local_today_at(app, 11))

    page = client.get("/today").get_data(as_text=True)
    fragment = client.get("/today", headers={"HX-Request": "true"}).get_data(as_text=True)

    assert 'hx-trigger="every 60s"' in page and "<html" in page
    assert fragment.lstrip().startswith('<section id="visit-list"')
    assert "<html" not in fragment and "Added by dispatch" in fragment


def test_today_query_count_does_not_grow_with_visits(app, client, auth, make, count_queries):
    me = auth.as_role(Role.TECHNICIAN)
    make.visit(me, start=local_today_at(app, 8))
    with count_queries() as one:
        client.get("/today")
    for hour in (10, 12, 14, 16):
        make.visit(me, start=local_today_at(app, hour))
    with count_queries() as five:
        client.get("/today")
    assert five.count == one.count <= 6


def test_dispatch_board_puts_cases_needing_attention_first(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    make.case(description="Routine check", status=CaseStatus.NEW, priority=Priority.LOW)
    make.case(description="Angry customer", status=CaseStatus.NEW, attention="Rated 1/5")
    make.case(description="Already closed", status=CaseStatus.CLOSED)
    tech = make.user(Role.TECHNICIAN, name="Tina Tech")
    make.visit(tech, make.case(description="Scheduled job"), start=local_today_at(app, 9))

    html = client.get("/dispatch/").get_data(as_text=True)

    assert html.index("Angry customer") < html.index("Routine check")
    assert "Needs attention: Rated 1/5" in html
    assert "Already closed" not in html
    assert "Tina Tech" in html and "09:00" in html
    assert html.count('href="/cases/') >= 3  # queue rows and lane visits open their case


def test_dispatch_board_fragment_for_polling(client, auth):
    auth.as_role(Role.DISPATCHER)
    fragment = client.get("/dispatch/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="board"') and "<html" not in fragment


def test_admin_adds_a_staff_account(app, client, auth):
    admin = auth.as_role(Role.ADMIN)
    response = client.post("/admin/users", data={
        "name": "Nina New", "email": "Nina@Example.com", "phone": "+31 6 1111 2222",
        "role": "technician", "password": "a-good-password"})
    assert response.status_code == 303
    assert "Nina New can now sign in as technician." in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        nina = db.session.scalar(select(User).where(User.email == "nina@example.com"))
        assert nina.role is Role.TECHNICIAN and nina.check_password("a-good-password")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
        assert event.user_id == admin.id and event.entity_id == nina.id


def test_admin_form_errors_keep_the_input_and_save_nothing(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    make.user(Role.TECHNICIAN, email="taken@example.com")
    cases = [
        ({"name": "X", "email": "taken@example.com", "role": "technician", "password": "long-enough-1"},
         "already exists"),
        ({"name": "X", "email": "bad-email", "role": "technician", "password": "long-enough-1"},
         "Enter a valid email address"),
        ({"name": "X", "email": "ok@example.com", "role": "technician", "password": "short"},
         "at least 10 characters"),
        ({"name": "X", "email": "ok@example.com", "role": "overlord", "password": "long-enough-1"},
         "Not a valid choice"),
    ]
    for data, message in cases:
        response = client.post("/admin/users", data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert message in body
        assert f'value="{data["email"]}"' in body
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2


def test_admin_deactivates_and_reactivates_an_account(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    tech = make.user(Role.TECHNICIAN)
    client.post(f"/admin/users/{tech.id}/active", data={})
    with app.app_context():
        assert db.session.get(User, tech.id).active is False
    client.post(f"/admin/users/{tech.id}/active", data={"active": "y"})
    with app.app_context():
        assert db.session.get(User, tech.id).active is True


def test_admin_cannot_deactivate_themselves(app, client, auth):
    admin = auth.as_role(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/active", data={})
    assert response.status_code == 409
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).active


def test_admin_on_unknown_user_is_404(client, auth):
    auth.as_role(Role.ADMIN)
    assert client.post("/admin/users/99999/active", data={}).status_code == 404


def test_audit_trail_pages_and_refuses_bad_page_numbers(client, auth):
    auth.as_role(Role.ADMIN)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "user.signed_in" in html and "Page 1 of 1" in html
    assert client.get("/admin/audit?page=0").status_code == 400
    assert client.get("/admin/audit?page=abc").status_code == 400


def test_unknown_url_is_a_404_page_in_the_layout(client):
    response = client.get("/nowhere")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Not found" in body and 'class="topbar"' in body


def test_errors_for_htmx_go_to_the_message_area(client, auth):
    auth.as_role(Role.TECHNICIAN)
    response = client.get("/today?day=bad", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_500_page_and_saves_nothing(app, client, auth, monkeypatch):
    auth.as_role(Role.DISPATCHER)

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr("fieldapp.services.board.queue", explode)
    app.logger.disabled = True
    response = client.get("/dispatch/")
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_layout_is_mobile_ready(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'rel="manifest"' in html and "htmx-2.0.11.min.js" in html
    assert '"allowEval":false' in html


def test_health_check_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_visit_status_labels_render(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    make.visit(me, start=local_today_at(app, 9), status=VisitStatus.TRAVELLING,
               travel_started_at=datetime.now(timezone.utc))
    assert "Travelling" in client.get("/today").get_data(as_text=True)


def test_polling_an_unchanged_list_costs_a_304(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    make.visit(me, start=local_today_at(app, 10))
    first = client.get("/today", headers={"HX-Request": "true"})
    again = client.get("/today", headers={"HX-Request": "true", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    make.visit(me, make.case(description="New job from dispatch"), start=local_today_at(app, 14))
    changed = client.get("/today", headers={"HX-Request": "true", "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "New job from dispatch" in changed.get_data(as_text=True)


def test_the_page_and_its_fragment_have_different_etags(client, auth):
    auth.as_role(Role.TECHNICIAN)
    page = client.get("/today")
    fragment = client.get("/today", headers={"HX-Request": "true"})
    assert page.headers["ETag"] != fragment.headers["ETag"]
