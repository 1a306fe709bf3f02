"""The corrective-action log (process step 8): recorded from a finding on the Reports page (its link
pre-fills the form), refused at the field with what was typed kept, closed with a note; and each
action's figure before and after the day it took effect, checked on visits counted by hand."""
from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import (
    ActionStatus, Case, CaseStatus, Channel, CorrectiveAction, FaultKind, FindingKind, Rating, RatingSource, Role,
    ServiceType, Visit, VisitStatus,
)
from fieldapp.services import improvement
from tests.conftest import cid
from tests.reading import visible_text as _text

AMS = ZoneInfo("Europe/Amsterdam")  # the tests' company time zone (conftest.app_config)
NUMBERS = itertools.count(1)


def chosen(html: str, name: str) -> str | None:
    """The value selected in the <select name=...> of a page."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    found = re.search(r'<option(?=[^>]*\bselected\b)[^>]*value="([^"]*)"', select_html)
    return found.group(1) if found else None


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def completed(app, technician, asset, *moments, symptom=None, cause=None, scores=None,
              status=VisitStatus.COMPLETED):
    """A completed visit (on its own case) on `asset` at each moment, with the codes and a rating
    (every aspect `scores`, or a dict per aspect) when given."""
    with app.app_context():
        for moment in moments:
            case = Case(number=f"C-CI-{next(NUMBERS):05d}", asset_id=asset.id, customer_id=asset.customer_id,
                        channel=Channel.PHONE, description="x", status=CaseStatus.RESOLVED)
            visit = Visit(case=case, technician_id=technician.id, scheduled_start=moment - timedelta(hours=1),
                          scheduled_end=moment, service_type=ServiceType.REPAIR, status=status,
                          arrived_at=moment - timedelta(hours=1),
                          completed_at=moment if status is VisitStatus.COMPLETED else None,
                          symptom_code_id=symptom.id if symptom else None, cause_code_id=cause.id if cause else None)
            if scores is not None:
                given = scores if isinstance(scores, dict) else {a: scores for a in improvement.ASPECTS}
                visit.rating = Rating(source=RatingSource.QR, **{a: given.get(a, 3) for a in improvement.ASPECTS})
            db.session.add(visit)
        db.session.commit()


@pytest.fixture
def heating(make):
    """A heating model, a cooling one, a heating fault code and a technician."""
    alpha = make.product_model(name="Alpha heat pump", category="Heating")
    breeze = make.product_model(name="Breeze AC", category="Cooling")
    return {"alpha": alpha, "breeze": breeze, "tech": make.user(Role.TECHNICIAN),
            "no_heat": make.fault_code(category="Heating", code="NO-HEAT", label="No heating"),
            "valve": make.fault_code(category="Heating", kind=FaultKind.CAUSE, code="EXV", label="Valve stuck"),
            "fan": make.fault_code(category="Cooling", code="FAN", label="Fan noise")}


# --- Recording one ---------------------------------------------------------------------------------------------

def test_a_rising_fault_on_the_reports_page_links_to_a_prefilled_action_that_is_recorded(app, client, auth, make,
                                                                                         heating):
    me = auth.as_role(Role.DISPATCHER)
    asset = make.asset(product_model=heating["alpha"])
    yesterday = make.today() - timedelta(days=1)
    completed(app, heating["tech"], asset, at(yesterday, 9), at(yesterday, 11), symptom=heating["no_heat"])

    page = client.get("/dashboard/").get_data(as_text=True)
    link = (f"/improvements/new?kind=fault_code&amp;model_id={heating['alpha'].id}"
            f"&amp;code_id={heating['no_heat'].id}")
    assert link in page
    assert "/improvements/new?kind=repeat_visits" in page
    assert "/improvements/new?kind=low_aspect&amp;aspect=timeliness" in page

    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert chosen(html, "kind") == "fault_code"
    assert chosen(html, "product_model_id") == str(heating["alpha"].id)
    assert chosen(html, "fault_code_id") == str(heating["no_heat"].id)
    assert chosen(html, "owner_id") == str(me.id)  # the one who records it, until changed

    started = make.today() - timedelta(days=2)
    response = client.post("/improvements/new", data={
        "client_id": cid(), "title": "Change the valve supplier", "kind": "fault_code",
        "product_model_id": str(heating["alpha"].id), "fault_code_id": str(heating["no_heat"].id), "aspect": "",
        "owner_id": str(me.id), "due_on": (make.today() + timedelta(days=30)).isoformat(),
        "started_on": started.isoformat(), "notes": "Supplier B from the next batch."})

    assert response.status_code == 303
    with app.app_context():
        [row] = db.session.scalars(select(CorrectiveAction)).all()
        assert (row.kind, row.product_model_id, row.fault_code_id, row.aspect, row.owner_id, row.started_on,
                row.status, row.created_by_id) == (FindingKind.FAULT_CODE, heating["alpha"].id, heating["no_heat"].id,
                                                   None, me.id, started, ActionStatus.IN_PROGRESS, me.id)
    assert response.headers["Location"] == f"/improvements/{row.id}"
    shown = _text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Corrective action recorded." in shown
    assert "NO-HEAT · No heating on Alpha heat pump" in shown
    listed = _text(client.get("/improvements/").get_data(as_text=True))
    assert "Change the valve supplier" in listed and "In progress" in listed
    assert '<a href="/improvements/" aria-current="page">Corrective actions</a>' in client.get(
        "/improvements/").get_data(as_text=True)


def test_what_the_kind_does_not_need_is_not_kept(app, client, auth, heating):
    me = auth.as_role(Role.ADMIN)
    response = client.post("/improvements/new", data={
        "client_id": cid(), "title": "Brief the technicians on arriving on time", "kind": "low_aspect",
        "product_model_id": "", "fault_code_id": str(heating["no_heat"].id), "aspect": "timeliness",
        "owner_id": str(me.id), "due_on": "2030-01-31", "started_on": "", "notes": ""})
    assert response.status_code == 303
    with app.app_context():
        row = db.session.scalar(select(CorrectiveAction))
        assert (row.product_model_id, row.fault_code_id, row.aspect, row.status, row.started_on) == (
            None, None, "timeliness", ActionStatus.PLANNED, None)


@pytest.mark.parametrize("changes, field_message", [
    ({"fault_code_id": ""}, "Choose the fault code that rises."),
    ({"product_model_id": ""}, "Choose the model the fault code rises on."),
    ({"kind": "low_aspect"}, "Choose the aspect rated low."),
    ({"title": ""}, "Write what is done about the finding."),
    ({"due_on": "9999-12-31"}, "Enter a date between 1900 and 2200."),
    ({"started_on": "2026-02-30"}, "Not a valid date value."),
    ({"owner_id": "999999"}, "Choose someone in the office."),
    ({"kind": "everything"}, "Choose the finding from the list."),
])
def test_bad_input_is_refused_at_the_field_with_what_was_typed_kept(app, client, auth, heating, changes,
                                                                     field_message):
    me = auth.as_role(Role.DISPATCHER)
    data = {"client_id": cid(), "title": "Retrain on the valve", "kind": "fault_code",
            "product_model_id": str(heating["alpha"].id), "fault_code_id": str(heating["no_heat"].id), "aspect": "",
            "owner_id": str(me.id), "due_on": "2030-01-31", "started_on": "",
            "notes": "Typed with care: keep me."}
    response = client.post("/improvements/new", data={**data, **changes})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_message in html
    assert "Typed with care: keep me." in html
    if changes.get("title", None) != "":
        assert 'value="Retrain on the valve"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(CorrectiveAction.id))) == 0


def test_a_code_of_another_category_is_refused_at_its_field(app, client, auth, heating):
    me = auth.as_role(Role.DISPATCHER)
    response = client.post("/improvements/new", data={
        "client_id": cid(), "title": "Retrain on the fan", "kind": "fault_code",
        "product_model_id": str(heating["alpha"].id), "fault_code_id": str(heating["fan"].id), "aspect": "",
        "owner_id": str(me.id), "due_on": "2030-01-31", "started_on": "", "notes": ""})
    assert response.status_code == 422
    assert "FAN is not a code of Alpha heat pump&#39;s category" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CorrectiveAction.id))) == 0


def test_an_unknown_finding_in_the_link_is_a_400(client, auth):
    auth.as_role(Role.DISPATCHER)
    response = client.get("/improvements/new?kind=everything")
    assert response.status_code == 400
    assert "Unknown finding: follow a link from the Reports page." in response.get_data(as_text=True)
    assert client.get("/improvements/new?aspect=looks").status_code == 400
    assert client.get("/improvements/new?model_id=x").status_code == 400
    assert client.get("/improvements/new").status_code == 200


def test_technicians_may_not_open_or_record_them(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    recorded = make.corrective_action()
    for url in ("/improvements/", "/improvements/new", f"/improvements/{recorded.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/improvements/new", data={"client_id": cid(), "title": "x", "kind": "other",
                                                  "owner_id": str(me.id), "due_on": "2030-01-01"}).status_code == 403
    assert client.post(f"/improvements/{recorded.id}/status",
                       data={"client_id": cid(), "status": "done", "note": "x"}).status_code == 403


def test_signed_out_readers_are_sent_to_sign_in(client):
    response = client.get("/improvements/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- Its status ------------------------------------------------------------------------------------------------

def test_an_action_is_done_with_a_note_and_its_history_shows_it(app, client, auth, make):
    me = auth.as_role(Role.DISPATCHER)
    recorded = make.corrective_action(kind=FindingKind.REPEAT_VISITS, owner_id=me.id)

    refused = client.post(f"/improvements/{recorded.id}/status", data={"client_id": cid(), "status": "done",
                                                                       "note": "  "})
    assert refused.status_code == 422
    assert "Write what came of it." in refused.get_data(as_text=True)
    assert load(app, recorded.id).status is ActionStatus.PLANNED

    response = client.post(f"/improvements/{recorded.id}/status", data={
        "client_id": cid(), "status": "done", "note": "Second visit checklist in use since Monday."})

    assert response.status_code == 303 and response.headers["Location"] == f"/improvements/{recorded.id}"
    done = load(app, recorded.id)
    assert done.status is ActionStatus.DONE and done.done_at is not None
    assert done.started_on == make.today()  # done without a day it took effect: today
    page = _text(client.get(f"/improvements/{recorded.id}").get_data(as_text=True))
    assert "Status: Done." in page  # the flash
    assert "Status: Done Second visit checklist in use since Monday." in page  # the history

    # Reopened: no longer closed.
    client.post(f"/improvements/{recorded.id}/status", data={"client_id": cid(), "status": "in_progress",
                                                             "note": ""})
    assert load(app, recorded.id).done_at is None
    # Nothing to change is said so.
    same = client.post(f"/improvements/{recorded.id}/status", data={"client_id": cid(), "status": "in_progress",
                                                                    "note": ""})
    assert same.status_code == 422
    assert "Nothing changes: choose another status, or write a note." in same.get_data(as_text=True)


def test_dropped_actions_go_after_the_open_ones(app, client, auth, make):
    me = auth.as_role(Role.DISPATCHER)
    make.corrective_action(title="Dropped one", kind=FindingKind.OTHER, owner_id=me.id, status=ActionStatus.DROPPED)
    make.corrective_action(title="Later one", kind=FindingKind.OTHER, owner_id=me.id, due_on=date(2031, 1, 1))
    make.corrective_action(title="Sooner one", kind=FindingKind.OTHER, owner_id=me.id, due_on=date(2030, 6, 1))
    page = client.get("/improvements/").get_data(as_text=True)
    assert page.index("Sooner one") < page.index("Later one") < page.index("Dropped one")


def load(app, action_id: int) -> CorrectiveAction:
    with app.app_context():
        row = db.session.get(CorrectiveAction, action_id)
        db.session.expunge(row)
        return row


# --- The figure before and after -------------------------------------------------------------------------------

@pytest.fixture
def fault_history(app, make, heating):
    """Alpha, 30 days after the action took effect (`start`): in the 90 days before it, 10 completed
    visits of which 4 picked NO-HEAT (3 as the symptom, 1 as the cause); since, 10 of which 1 did.
    Around them what must not count: a visit before the 90 days, another model's, one not completed."""
    start = make.today() - timedelta(days=30)
    tech, alpha = heating["tech"], make.asset(product_model=heating["alpha"])
    no_heat = heating["no_heat"]
    day = lambda offset: start + timedelta(days=offset)
    # Before: the last one at 23:30 on the day before (Amsterdam), still before.
    completed(app, tech, alpha, at(day(-80)), at(day(-60)), at(day(-40)), symptom=no_heat)
    completed(app, tech, alpha, at(day(-1), 23, 30), cause=no_heat)
    completed(app, tech, alpha, *(at(day(offset)) for offset in (-89, -70, -50, -30, -20, -10)))
    # After: the first at 00:30 on the day it took effect.
    completed(app, tech, alpha, at(day(0), 0, 30), symptom=no_heat)
    completed(app, tech, alpha, *(at(day(offset)) for offset in (1, 3, 6, 9, 12, 15, 18, 21, 24)))
    # Not counted.
    completed(app, tech, alpha, at(day(-95)), symptom=no_heat)
    completed(app, tech, make.asset(product_model=heating["breeze"]), at(day(-5)), at(day(5)), symptom=no_heat)
    completed(app, tech, alpha, at(day(2)), symptom=no_heat, status=VisitStatus.SCHEDULED)
    return start


def test_a_fault_codes_share_of_the_models_visits_before_and_after(app, client, auth, make, heating, fault_history):
    me = auth.as_role(Role.DISPATCHER)
    recorded = make.corrective_action(title="Change the valve supplier", kind=FindingKind.FAULT_CODE,
                                      product_model_id=heating["alpha"].id, fault_code_id=heating["no_heat"].id,
                                      owner_id=me.id, started_on=fault_history, status=ActionStatus.IN_PROGRESS)

    with app.test_request_context():
        figure = improvement.figures([db.session.get(CorrectiveAction, recorded.id)])[recorded.id]
    assert figure.measure == "share" and figure.after_days == 31
    assert (figure.before.hits, figure.before.n, figure.after.hits, figure.after.n) == (4, 10, 1, 10)
    assert figure.before.value == pytest.approx(0.4) and figure.after.value == pytest.approx(0.1)
    assert figure.change == pytest.approx(-0.3)

    listed = _text(client.get("/improvements/").get_data(as_text=True))
    assert "40% (4 of 10 visits)" in listed and "10% (1 of 10 visits)" in listed and "-30 pts" in listed
    assert "90 days before" in listed and "31 days since" in listed
    reports = _text(client.get("/dashboard/").get_data(as_text=True))
    assert "Change the valve supplier" in reports and "40% (4 of 10 visits)" in reports


def test_repeat_visits_and_an_aspect_before_and_after(app, auth, make, heating):
    """Repeat visits (back within 30 days) of Alpha, and the timeliness score of every model's visits."""
    me = auth.as_role(Role.DISPATCHER)
    start = make.today() - timedelta(days=10)
    day = lambda offset: at(start + timedelta(days=offset))
    tech = heating["tech"]
    first, second, third = (make.asset(product_model=heating["alpha"]) for _ in range(3))
    # Before: 4 visits, 2 of them back within 30 days (one after a visit before the 90 days).
    completed(app, tech, first, day(-60), day(-50))  # back after 10 days
    completed(app, tech, second, day(-100), day(-85))  # the first lies before the window: still back
    completed(app, tech, third, day(-30))  # its first visit
    # After: 2 visits, none back within 30 days.
    completed(app, tech, third, day(5))  # 35 days after the one before
    completed(app, tech, first, day(2))  # 52 days after
    # Ratings (another model too: the aspect counts every model).
    completed(app, tech, make.asset(product_model=heating["breeze"]), day(-20), scores={"timeliness": 2})
    completed(app, tech, make.asset(product_model=heating["breeze"]), day(-3), scores={"timeliness": 3})
    completed(app, tech, make.asset(product_model=heating["breeze"]), day(1), scores={"timeliness": 5})
    repeats = make.corrective_action(kind=FindingKind.REPEAT_VISITS, product_model_id=heating["alpha"].id,
                                     owner_id=me.id, started_on=start)
    aspect = make.corrective_action(kind=FindingKind.LOW_ASPECT, aspect="timeliness", owner_id=me.id,
                                    started_on=start)
    alpha_only = make.corrective_action(kind=FindingKind.LOW_ASPECT, aspect="timeliness", owner_id=me.id,
                                        started_on=start, product_model_id=heating["alpha"].id)
    planned = make.corrective_action(kind=FindingKind.REPEAT_VISITS, owner_id=me.id)  # not in effect: no figure

    with app.test_request_context():
        rows = [db.session.get(CorrectiveAction, a.id) for a in (repeats, aspect, alpha_only, planned)]
        found = improvement.figures(rows)

    assert planned.id not in found
    repeat = found[repeats.id]
    assert (repeat.before.hits, repeat.before.n, repeat.after.hits, repeat.after.n) == (2, 4, 0, 2)
    assert repeat.before.value == pytest.approx(0.5) and repeat.after.value == 0
    score = found[aspect.id]
    assert score.measure == "score" and (score.before.n, score.after.n) == (2, 1)
    assert score.before.value == pytest.approx(2.5) and score.after.value == pytest.approx(5.0)
    none_rated = found[alpha_only.id]  # Alpha's visits carry no rating
    assert (none_rated.before, none_rated.after) == (improvement.Side(None, 0), improvement.Side(None, 0))


def test_the_figures_of_a_whole_list_take_the_same_few_queries(app, make, heating, fault_history, count_queries):
    owner = make.user(Role.DISPATCHER)
    kinds = [{"kind": FindingKind.FAULT_CODE, "product_model_id": heating["alpha"].id,
              "fault_code_id": heating["no_heat"].id},
             {"kind": FindingKind.REPEAT_VISITS}, {"kind": FindingKind.LOW_ASPECT, "aspect": "quality"}]
    ids = [make.corrective_action(owner_id=owner.id, started_on=fault_history, **kw).id for kw in kinds]

    def counted() -> int:
        with app.test_request_context():
            rows = db.session.scalars(select(CorrectiveAction)).all()
            with count_queries() as counter:
                assert len(improvement.figures(rows)) == len(rows)
            return counter.count

    few = counted()
    for n in range(12):
        make.corrective_action(owner_id=owner.id, started_on=fault_history - timedelta(days=n), **kinds[n % 3])
    assert counted() == few == 3
    assert ids


def test_dates_at_the_edges_never_fail_the_pages(app, client, auth, make):
    me = auth.as_role(Role.DISPATCHER)
    for day in (date(1900, 1, 1), date(2200, 12, 31)):
        make.corrective_action(kind=FindingKind.REPEAT_VISITS, owner_id=me.id, started_on=day, due_on=day)
    assert client.get("/improvements/").status_code == 200
    assert client.get("/dashboard/").status_code == 200
