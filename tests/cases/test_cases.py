"""The case page and the dispatcher's actions on it: assess, remote support, status moves,
attention, resolve, close and reopen; each refused move says why and changes nothing."""
import re
from datetime import timedelta

import pytest

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, FollowUp, FollowUpKind, Priority, Role, VisitStatus


def _case(app, case_id) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.events, case.remote_sessions, case.follow_ups  # loaded before leaving the session
        db.session.expunge(case)
        return case


def test_the_case_page_shows_the_request_and_the_requesters_contact(client, make, dispatcher):
    case = make.case(status=CaseStatus.NEW, contact_name="Jan Jansen", contact_phone="+31 6 1111 2222",
                     contact_email="jan@example.com", preferred_time="Mornings after 10",
                     description="Leaks water at night")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for text in ("Jan Jansen", "+31 6 1111 2222", "jan@example.com", "Mornings after 10", "Leaks water at night",
                 case.number, "Assess", "Log remote support"):
        assert text in html


def test_technicians_cannot_open_a_case_page(client, auth, make):
    case = make.case()
    auth.as_role(Role.TECHNICIAN)
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_an_assessment_is_saved_and_moves_the_case_on(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.NEW, priority=Priority.NORMAL)
    response = client.post(f"/cases/{case.id}/assess", data={
        "assessment_notes": "Drain pump blocked, customer can check", "category": "leak",
        "priority": "high", "decision": "remote_support"})
    assert response.status_code == 303
    saved = _case(app, case.id)
    assert saved.status is CaseStatus.REMOTE_SUPPORT and saved.priority is Priority.HIGH
    assert saved.assessment_category == "leak"
    assert [e.kind for e in saved.events] == ["priority", "assessed"]
    assert saved.events[-1].from_status is CaseStatus.NEW


def test_a_bad_assessment_keeps_what_was_typed_and_saves_nothing(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.NEW)
    response = client.post(f"/cases/{case.id}/assess", data={
        "assessment_notes": "", "category": "kept text", "priority": "high", "decision": "remote_support"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write what you found out." in html and 'value="kept text"' in html
    assert _case(app, case.id).status is CaseStatus.NEW


@pytest.mark.parametrize("outcome, status", [("solved", CaseStatus.RESOLVED), ("not_solved", CaseStatus.VISIT_NEEDED),
                                             ("customer_to_try", CaseStatus.WAITING_CUSTOMER)])
def test_remote_support_is_logged_and_decides_the_next_step(app, client, make, dispatcher, outcome, status):
    case = make.case(status=CaseStatus.REMOTE_SUPPORT)
    response = client.post(f"/cases/{case.id}/remote-support", data={
        "channel": "phone", "steps": "Cleaned the filter with the customer", "outcome": outcome})
    assert response.status_code == 303
    saved = _case(app, case.id)
    assert saved.status is status
    assert [(s.steps, s.outcome.value) for s in saved.remote_sessions] == [
        ("Cleaned the filter with the customer", outcome)]
    if status is CaseStatus.RESOLVED:
        assert saved.resolution_summary == "Cleaned the filter with the customer"


def test_a_move_the_table_forbids_is_a_409_with_the_reason(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.CLOSED)
    response = client.post(f"/cases/{case.id}/status", data={"status": "assessing"})
    assert response.status_code == 409
    assert "cannot become assessing" in response.get_data(as_text=True)
    assert _case(app, case.id).status is CaseStatus.CLOSED


def test_attention_is_cleared_with_a_note(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.NEW, attention="Customer rated 1/5")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Needs attention" in html and "Customer rated 1/5" in html
    with app.app_context():
        item_id = db.session.get(Case, case.id).attention_items[0].id
    assert client.post(f"/cases/{case.id}/attention/{item_id}/clear", data={"note": ""}).status_code == 422
    assert client.post(f"/cases/{case.id}/attention/{item_id}/clear",
                       data={"note": "Called, apologised"}).status_code == 303
    saved = _case(app, case.id)
    assert not saved.needs_attention and saved.events[-1].kind == "attention_cleared"


def test_closing_needs_the_visits_done_and_follow_ups_finished_or_waived(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.SCHEDULED)
    visit = make.visit(case=case)
    with app.app_context():
        db.session.add(FollowUp(case_id=case.id, kind=FollowUpKind.CALL, due_on=clock.today()))
        db.session.commit()
        today = clock.today().isoformat()
    data = {"summary": "Fan replaced", "closed_on": today}

    open_visit = client.post(f"/cases/{case.id}/close", data=data)
    assert open_visit.status_code == 409 and "A visit is still open" in open_visit.get_data(as_text=True)

    with app.app_context():
        row = db.session.get(type(visit), visit.id)
        row.status = VisitStatus.COMPLETED
        db.session.commit()
    pending = client.post(f"/cases/{case.id}/close", data=data)
    assert pending.status_code == 409 and "1 follow-up still open: finish it" in pending.get_data(as_text=True)

    closed = client.post(f"/cases/{case.id}/close", data={**data, "waive_follow_ups": "y"})
    assert closed.status_code == 303
    saved = _case(app, case.id)
    assert saved.status is CaseStatus.CLOSED and saved.closed_on.isoformat() == today
    assert [e.kind for e in saved.events][-2:] == ["resolved", "closed"]
    assert saved.follow_ups[0].outcome == "Waived when the case was closed."


def test_a_closure_date_in_the_future_is_refused(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    with app.app_context():
        tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    response = client.post(f"/cases/{case.id}/close", data={"summary": "x", "closed_on": tomorrow})
    assert response.status_code == 422 and "between the opening date and today" in response.get_data(as_text=True)


def test_a_closed_case_is_reopened_with_a_reason(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.CLOSED)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Reopen the case" in html and "Save assessment" not in html
    assert client.post(f"/cases/{case.id}/reopen", data={"note": "Same fault again"}).status_code == 303
    saved = _case(app, case.id)
    assert saved.status is CaseStatus.REOPENED and saved.events[-1].note == "Same fault again"


def test_the_timeline_lists_every_step_newest_first(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.NEW)
    client.post(f"/cases/{case.id}/assess", data={"assessment_notes": "Checked", "priority": "normal",
                                                  "decision": "visit_needed"})
    client.post(f"/cases/{case.id}/notes", data={"note": "Customer prefers Tuesdays"})
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    assert timeline.index("Customer prefers Tuesdays") < timeline.index("New → Visit needed")


def test_the_case_page_query_count_does_not_grow_with_its_history(app, client, make, dispatcher, count_queries):
    case = make.case(status=CaseStatus.NEW)
    client.get(f"/cases/{case.id}")
    with count_queries() as few:
        client.get(f"/cases/{case.id}")
    for n in range(4):
        client.post(f"/cases/{case.id}/notes", data={"note": f"note {n}"})
        make.visit(case=case)
    with count_queries() as many:
        client.get(f"/cases/{case.id}")
    assert many.count == few.count <= 18  # 16, and the customer's links and messages


def test_the_board_query_count_does_not_grow_with_the_queue_or_the_lanes(app, client, make, dispatcher,
                                                                       count_queries):
    make.case(status=CaseStatus.NEW)
    client.get("/dispatch/")
    with count_queries() as few:
        client.get("/dispatch/")
    for n in range(6):
        make.case(status=CaseStatus.NEW, priority=Priority.HIGH)
        make.visit(start=None)
    with count_queries() as many:
        client.get("/dispatch/?view=week")
    # queue, its timelines and contracts (the service-target clocks), the targets, counts, the
    # "needs you" strip, technicians, lanes, the session and the user
    assert many.count == few.count <= 10


def test_a_new_urgent_case_tops_the_queue_however_many_are_waiting(app, client, make, dispatcher):
    for _ in range(30):
        make.case(status=CaseStatus.NEW, priority=Priority.NORMAL)
    urgent = make.case(status=CaseStatus.NEW, priority=Priority.URGENT, description="Smoke from the unit")
    html = client.get("/dispatch/").get_data(as_text=True)
    queue = html[html.index('id="queue-title"'):html.index('id="day-title"')]
    first_row = re.search(r'href="/cases/(\d+)"', queue).group(1)
    assert first_row == str(urgent.id)
    assert "Next" in queue  # 31 waiting: a second page


def test_the_board_shows_one_technicians_week(app, client, make, dispatcher):
    tina, tom = make.user(Role.TECHNICIAN, name="Tina Tech"), make.user(Role.TECHNICIAN, name="Tom Tech")
    make.visit(tina), make.visit(tom)
    html = client.get(f"/dispatch/?view=week&technician={tina.id}").get_data(as_text=True)
    lanes = html[html.index('id="day-title"'):]
    assert "Tina Tech" in lanes and "Tom Tech" not in lanes and "Week of" in lanes
    assert client.get("/dispatch/?technician=99999").status_code == 400


def test_the_lanes_come_a_page_of_technicians_at_a_time(app, client, make, dispatcher):
    names = [f"Tech {n:02d}" for n in range(10)]
    for name in names:
        make.visit(make.user(Role.TECHNICIAN, name=name))
    html = client.get("/dispatch/").get_data(as_text=True)
    lanes = html[html.index('id="day-title"'):]
    assert all(f"<h3>{name} " in lanes for name in names[:8]) and "Tech 08" not in lanes
    more = re.search(r'href="([^"]*lanes=2[^"]*)">Next technicians', lanes).group(1).replace("&amp;", "&")
    second = client.get(more).get_data(as_text=True)
    second = second[second.index('id="day-title"'):]
    assert "<h3>Tech 08 " in second and "<h3>Tech 09 " in second and "Tech 00" not in second
    assert "Previous technicians" in second and "Next technicians" not in second
    assert client.get("/dispatch/?lanes=0").status_code == 400


@pytest.mark.parametrize("status, first", [
    (CaseStatus.NEW, "assess"), (CaseStatus.REMOTE_SUPPORT, "remote-support"), (CaseStatus.VISIT_NEEDED, "book"),
    (CaseStatus.WAITING_PARTS, "move"), (CaseStatus.RESOLVED, "close"), (CaseStatus.CLOSED, "reopen"),
])
def test_the_next_action_comes_first_and_open_the_others_folded(client, make, dispatcher, status, first):
    case = make.case(status=status)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    actions = re.findall(r'<details class="panel action[^"]*" id="([a-z-]+)"( open)?>', html)
    assert actions[0] == (first, " open")
    assert [name for name, opened in actions[1:] if opened] == []
    assert f'<h2 id="{first}-title"><span class="action__next">Next:</span>' in html


def test_every_field_on_the_case_page_has_its_own_label(client, make, dispatcher):
    case = make.case(status=CaseStatus.VISIT_NEEDED)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    labels = [re.sub(r"\s+", " ", label).strip() for label in re.findall(r'<label class="field__label"[^>]*>(.*?)</label>',
                                                                         html, re.S)]
    assert labels and len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
