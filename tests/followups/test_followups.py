"""Follow-ups (process step 6): the office's queue by due day in the company's time zone, planning
one on a case, marking one done with its outcome and what comes next (a new case, a visit), and
the satisfaction call planned after a completed visit when the company wants one."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    Case, CaseEvent, CaseStatus, Channel, FollowUp, FollowUpKind, FollowUpRecommendation, FollowUpSource, Outcome,
    Role, Visit, VisitStatus,
)
from fieldapp.services import followups, settings, visits
from tests.conftest import cid

UTC = timezone.utc


def done(client, follow_up_id, **data):
    return client.post(f"/follow-ups/{follow_up_id}/done", data={"client_id": cid(), "next_step": "none", **data})


def tab_count(html: str, label: str) -> int:
    return int(re.search(rf'>{label} <span class="tab__count">(\d+)</span>', html).group(1))


def listed(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="follow-up-(\d+)"', html)}


# --- The queue ---------------------------------------------------------------------------------------------

def test_buckets_follow_the_company_day_not_the_utc_one(app, client, make, dispatcher, monkeypatch):
    # 23:30 UTC on 9 March is already 00:30 on 10 March in Amsterdam: the 9th is overdue, the 10th is today.
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 3, 9, 23, 30, tzinfo=UTC))
    case = make.case(status=CaseStatus.RESOLVED)
    day = datetime(2026, 3, 10).date()
    overdue = make.follow_up(case, due_on=day - timedelta(days=1))
    today = make.follow_up(case, due_on=day)
    upcoming = make.follow_up(case, due_on=day + timedelta(days=1), kind=FollowUpKind.EMAIL)
    finished = make.follow_up(case, due_on=day - timedelta(days=5), done_at=datetime(2026, 3, 8, tzinfo=UTC),
                              outcome="Customer happy.")

    pages = {b: client.get(f"/follow-ups/?bucket={b}").get_data(as_text=True) for b in followups.BUCKETS}

    assert listed(pages["overdue"]) == {overdue.id} and "1 d overdue" in pages["overdue"]
    assert listed(pages["today"]) == {today.id}
    assert listed(pages["upcoming"]) == {upcoming.id}
    assert listed(pages["done"]) == {finished.id} and "Customer happy." in pages["done"]
    html = pages["today"]
    assert [tab_count(html, label) for label in followups.BUCKETS.values()] == [1, 1, 1, 1]
    by_kind = client.get("/follow-ups/?bucket=upcoming&kind=call").get_data(as_text=True)
    assert listed(by_kind) == set() and tab_count(by_kind, "Overdue") == 1 and tab_count(by_kind, "Upcoming") == 0


def test_the_queue_shows_the_case_and_how_to_reach_the_customer(client, make, dispatcher):
    customer = make.customer(name="Ada Lovelace", phone="+31 6 1234 0000")
    case = make.case(asset=make.asset(customer=customer), contact_name="Ada Lovelace", contact_phone="+31 6 1234 0000",
                     status=CaseStatus.RESOLVED)
    make.follow_up(case, notes="Ask whether the noise is gone.", source=FollowUpSource.RECOMMENDATION)

    html = client.get("/follow-ups/").get_data(as_text=True)

    for text in (case.number, "Ada Lovelace", 'href="tel:+31612340000"', "Ask whether the noise is gone.",
                 "Technician&#39;s recommendation", "Mark done"):
        assert text in html


def test_the_queue_pages_and_its_query_count_does_not_grow(client, make, dispatcher, count_queries):
    case = make.case(status=CaseStatus.RESOLVED)
    make.follow_up(case)
    with count_queries() as one:
        client.get("/follow-ups/")
    for _ in range(followups.PAGE_SIZE):
        make.follow_up(make.case(status=CaseStatus.RESOLVED))
    with count_queries() as many:
        html = client.get("/follow-ups/").get_data(as_text=True)
    assert many.count == one.count <= 8
    assert len(listed(html)) == followups.PAGE_SIZE and "?page=2" in html
    assert len(listed(client.get("/follow-ups/?page=2").get_data(as_text=True))) == 1


@pytest.mark.parametrize("query", ["bucket=later", "kind=fax", "page=0"])
def test_unknown_filters_are_a_400(client, dispatcher, query):
    assert client.get(f"/follow-ups/?{query}").status_code == 400


def test_technicians_have_no_follow_up_queue(client, auth, make):
    follow_up = make.follow_up()
    auth.as_role(Role.TECHNICIAN)
    assert client.get("/follow-ups/").status_code == 403
    assert done(client, follow_up.id, outcome="x").status_code == 403
    html = client.get("/today").get_data(as_text=True)
    assert "/follow-ups/" not in html and "/complaints/" not in html


# --- Done, and what comes next --------------------------------------------------------------------------

def test_done_with_an_outcome_from_the_queue_stays_on_the_list_it_was_on(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    follow_up = make.follow_up(case, due_on=make.today() - timedelta(days=2))

    response = client.post(f"/follow-ups/{follow_up.id}/done?bucket=overdue",
                           data={"client_id": cid(), "outcome": "  Customer happy, unit quiet.  ", "next_step": "none",
                                 "back": "queue"})

    assert response.status_code == 303 and response.headers["Location"].endswith("/follow-ups/?bucket=overdue")
    with app.app_context():
        row = db.session.get(FollowUp, follow_up.id)
        assert row.is_done and row.outcome == "Customer happy, unit quiet." and row.done_by_id == dispatcher.id
        event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
        assert event.kind == "follow_up_done" and "Customer happy" in event.note
    assert "Follow-up done." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_done_twice_is_a_conflict_that_says_so(app, client, make, dispatcher):
    follow_up = make.follow_up()
    assert done(client, follow_up.id, outcome="Called, all fine.").status_code == 303

    again = done(client, follow_up.id, outcome="Called again.")

    assert again.status_code == 409
    assert "already done by" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FollowUp, follow_up.id).outcome == "Called, all fine."


def test_the_same_form_sent_twice_is_applied_once(app, client, make, dispatcher):
    follow_up = make.follow_up()
    data = {"client_id": cid(), "outcome": "Called.", "next_step": "new_case"}
    first = client.post(f"/follow-ups/{follow_up.id}/done", data=data)
    second = client.post(f"/follow-ups/{follow_up.id}/done", data=data)
    assert first.status_code == second.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 2  # the case and one new one


@pytest.mark.parametrize("data, message", [
    ({"outcome": "   "}, "Write what came of it."),
    ({"outcome": "Called, all fine.", "next_step": "teleport"}, "Not a valid choice"),
    ({"outcome": "Called, all fine.", "back": "elsewhere"}, "This form is out of date"),
])
def test_bad_input_is_a_422_that_keeps_what_was_typed(app, client, make, dispatcher, data, message):
    follow_up = make.follow_up()
    response = client.post(f"/follow-ups/{follow_up.id}/done", data={"client_id": cid(), "next_step": "none", **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert data["outcome"].strip() in html and "<details class=\"queue-item__form\" open>" in html
    with app.app_context():
        assert not db.session.get(FollowUp, follow_up.id).is_done


def test_a_refusal_on_the_case_page_comes_back_to_the_case_page(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    follow_up = make.follow_up(case)
    response = client.post(f"/follow-ups/{follow_up.id}/done", data={
        "client_id": cid(), "outcome": "", "next_step": "visit", "back": "case"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="followups-title"' in html and case.number in html and "Write what came of it." in html
    assert '<option selected value="visit">' in html


def test_a_new_case_for_the_same_product_and_customer_copies_the_contact(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.CLOSED, contact_name="Jan Jansen", contact_phone="+31 6 1111 2222",
                     contact_email="jan@example.com")
    follow_up = make.follow_up(case, kind=FollowUpKind.EMAIL)

    response = done(client, follow_up.id, outcome="The noise is back since Monday.", next_step="new_case")

    with app.app_context():
        new = db.session.scalar(select(Case).where(Case.id != case.id))
        assert response.headers["Location"].endswith(f"/cases/{new.id}")
        assert (new.asset_id, new.customer_id) == (case.asset_id, case.customer_id)
        assert (new.contact_name, new.contact_phone, new.contact_email) == ("Jan Jansen", "+31 6 1111 2222",
                                                                             "jan@example.com")
        assert new.description == "The noise is back since Monday." and new.channel is Channel.EMAIL
        assert new.status is CaseStatus.NEW
        assert any(f"Opened from a follow-up on {case.number}" == e.note for e in new.events)
        note = db.session.scalar(select(CaseEvent.note).where(CaseEvent.case_id == case.id,
                                                              CaseEvent.kind == "follow_up_done"))
        assert f"new case {new.number} opened" in note
    assert f"New case {new.number} opened." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_visit_needed_reopens_a_finished_case_and_goes_to_its_booking_form(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    follow_up = make.follow_up(case)

    response = done(client, follow_up.id, outcome="Still leaking a little.", next_step="visit")

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/cases/{case.id}#book")
    with app.app_context():
        row = db.session.get(Case, case.id)
        assert row.status is CaseStatus.VISIT_NEEDED
        assert [e.kind for e in row.events] == ["follow_up_done", "reopened", "status"]


def test_a_visit_needed_leaves_a_case_with_a_visit_planned_as_it_is(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.SCHEDULED)
    follow_up = make.follow_up(case)
    done(client, follow_up.id, outcome="Confirmed the visit.", next_step="visit")
    with app.app_context():
        assert db.session.get(Case, case.id).status is CaseStatus.SCHEDULED


# --- On the case page -----------------------------------------------------------------------------------

def test_a_dispatcher_plans_a_follow_up_on_the_case(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    due = make.today() + timedelta(days=3)

    response = client.post(f"/cases/{case.id}/follow-ups", data={
        "client_id": cid(), "kind": "survey", "due_on": due.isoformat(), "notes": "Send the survey link."})

    assert response.status_code == 303 and response.headers["Location"].endswith("#follow-ups")
    with app.app_context():
        row = db.session.scalar(select(FollowUp))
        assert (row.kind, row.source, row.due_on, row.created_by_id) == (
            FollowUpKind.SURVEY, FollowUpSource.DISPATCHER, due, dispatcher.id)
        assert db.session.scalar(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)) == "follow_up_added"
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    section = html[html.index('id="follow-ups"'):html.index('id="complaints"')]
    assert "Satisfaction survey" in section and "Send the survey link." in section and "Mark done" in section


def test_a_follow_up_due_in_the_past_is_refused_with_the_notes_kept(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    response = client.post(f"/cases/{case.id}/follow-ups", data={
        "client_id": cid(), "kind": "call", "due_on": (make.today() - timedelta(days=1)).isoformat(),
        "notes": "Ask about the filter."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The due date cannot be in the past." in html and "Ask about the filter." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_done_from_the_case_page_comes_back_to_it(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    follow_up = make.follow_up(case)
    response = done(client, follow_up.id, outcome="All good.", back="case")
    assert response.headers["Location"].endswith(f"/cases/{case.id}#follow-ups")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "All good." in html and "Done " in html


# --- Planned when a visit is completed ------------------------------------------------------------------

def _complete(app, make, recommend=FollowUpRecommendation.NONE) -> int:
    arrived = datetime.now(UTC) - timedelta(minutes=40)
    visit = make.visit(status=VisitStatus.ON_SITE, start=arrived, arrived_at=arrived, outcome=Outcome.RESOLVED,
                       actions_taken="Replaced the pump.", follow_up=recommend,
                       follow_up_days=14 if recommend is not FollowUpRecommendation.NONE else None,
                       next_steps="Check it drains.")
    with app.app_context():
        visits.complete(db.session.get(Visit, visit.id), 40)
        db.session.commit()
    return visit.id


def _follow_ups(app) -> list[FollowUp]:
    with app.app_context():
        rows = db.session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
        db.session.expunge_all()
        return rows


def test_no_satisfaction_call_while_the_setting_is_off(app, make):
    _complete(app, make)
    assert _follow_ups(app) == []


def test_a_satisfaction_call_is_planned_once_per_visit_when_the_setting_is_on(app, make):
    with app.app_context():
        settings.editable().satisfaction_call_days = 3
        db.session.commit()

    visit_id = _complete(app, make)

    [call] = _follow_ups(app)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (call.kind, call.source, call.visit_id) == (FollowUpKind.CALL, FollowUpSource.SATISFACTION, visit_id)
        assert call.due_on == clock.local(visit.completed_at).date() + timedelta(days=3)
        followups.plan_satisfaction_call(visit)  # however often it is asked
        db.session.commit()
        assert "Satisfaction call due" in " ".join(e.note or "" for e in visit.case.events)
    assert len(_follow_ups(app)) == 1


def test_the_technicians_recommendation_is_a_follow_up_of_the_visit(app, make):
    visit_id = _complete(app, make, FollowUpRecommendation.CALL)
    [recommended] = _follow_ups(app)
    assert (recommended.source, recommended.visit_id, recommended.notes) == (
        FollowUpSource.RECOMMENDATION, visit_id, "Check it drains.")
