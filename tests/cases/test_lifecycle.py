"""The case lifecycle: one module changes statuses along its table, every change is an event on
the timeline, attention items are rows cleared with a note, and a completed visit keeps its totals."""
import pytest
from sqlalchemy import select

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import AttentionItem, Case, CaseEvent, CaseStatus, Role, Visit
from fieldapp.services import lifecycle
from tests.visits.test_visits import on_site, save, step, tech  # noqa: F401 (fixtures)


def _case(app, case_id) -> Case:
    return db.session.get(Case, case_id)


def test_every_status_has_a_row_in_the_table_and_every_target_is_a_status():
    assert set(lifecycle.TRANSITIONS) == set(CaseStatus)
    for targets in lifecycle.TRANSITIONS.values():
        assert targets <= set(CaseStatus)
    # Closed and cancelled cases only come back by being reopened.
    assert lifecycle.TRANSITIONS[CaseStatus.CLOSED] == {CaseStatus.REOPENED}
    assert lifecycle.TRANSITIONS[CaseStatus.CANCELLED] == {CaseStatus.REOPENED}


def test_a_move_writes_an_event_with_who_from_and_to(app, make):
    dispatcher = make.user(Role.DISPATCHER)
    case = make.case(status=CaseStatus.NEW)
    with app.app_context():
        row = _case(app, case.id)
        lifecycle.move(row, CaseStatus.ASSESSING, note="Checking the model", user=db.session.get(type(dispatcher), dispatcher.id))
        db.session.commit()
        event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
        assert (event.from_status, event.to_status, event.note, event.user_id) == (
            CaseStatus.NEW, CaseStatus.ASSESSING, "Checking the model", dispatcher.id)
        assert row.status is CaseStatus.ASSESSING


def test_a_move_the_table_does_not_allow_is_refused_with_the_reason(app, make):
    case = make.case(status=CaseStatus.CLOSED)
    with app.app_context():
        row = _case(app, case.id)
        with pytest.raises(DomainError) as refused:
            lifecycle.move(row, CaseStatus.SCHEDULED)
        assert refused.value.kind == "conflict"
        assert str(refused.value) == "A case that is closed cannot become visit scheduled."
        assert row.status is CaseStatus.CLOSED and row.events == []


def test_attention_items_are_rows_cleared_one_by_one_with_a_note(app, make):
    dispatcher = make.user(Role.DISPATCHER)
    case = make.case(status=CaseStatus.NEW)
    with app.app_context():
        row = _case(app, case.id)
        me = db.session.get(type(dispatcher), dispatcher.id)
        first = lifecycle.raise_attention(row, "Customer rated 1/5")
        lifecycle.raise_attention(row, "Complaint by phone")
        assert row.needs_attention and row.attention_reason == "Customer rated 1/5; Complaint by phone"

        lifecycle.clear_attention(row, first, "Called back, apologised", me)
        assert row.needs_attention and row.attention_reason == "Complaint by phone"  # the second stays
        lifecycle.clear_attention(row, row.open_attention[0], "Refund agreed", me)
        db.session.commit()

        assert not row.needs_attention
        items = db.session.scalars(select(AttentionItem).order_by(AttentionItem.id)).all()
        assert [(i.clear_note, i.cleared_by_id) for i in items] == [("Called back, apologised", dispatcher.id),
                                                                    ("Refund agreed", dispatcher.id)]
        assert [e.kind for e in row.events] == ["attention", "attention", "attention_cleared", "attention_cleared"]
        with pytest.raises(DomainError):
            lifecycle.clear_attention(row, first, "again", me)


def _not_messages(events):
    """The timeline without the lines that say a message to the customer went out."""
    return [e for e in events if e.kind not in ("mail_sent", "text_sent")]


def test_the_visit_workflow_moves_the_case_and_fills_its_timeline(app, client, on_site):  # noqa: F811
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="Replaced the fan.")
    assert step(client, on_site, "complete").status_code == 303
    with app.app_context():
        case = _case(app, on_site.case_id)
        assert case.status is CaseStatus.RESOLVED
        last = _not_messages(case.events)[-1]  # the customer's "visit done" went out after it
        assert (last.kind, last.from_status, last.to_status, last.visit_id) == (
            "visit_completed", CaseStatus.SCHEDULED, CaseStatus.RESOLVED, on_site.id)


def test_starting_travel_puts_the_case_in_progress(app, client, make, tech):  # noqa: F811
    visit = make.visit(tech)
    assert step(client, visit, "start-travel").status_code == 303
    with app.app_context():
        case = _case(app, visit.case_id)
        assert case.status is CaseStatus.IN_PROGRESS
        assert _not_messages(case.events)[-1].kind == "visit_started"


def test_a_completed_visit_keeps_its_cost_totals(app, client, make, on_site):  # noqa: F811
    with app.app_context():
        visit = db.session.get(Visit, on_site.id)
        visit.labour_minutes = None
        db.session.commit()
    make.visit_part(on_site, unit_cost_cents=1250, quantity=2, covered=True)
    save(client, on_site, "transport_cost", amount="20.00")
    save(client, on_site, "outcome", outcome="resolved")
    save(client, on_site, "actions_taken", actions_taken="Done.")
    step(client, on_site, "complete", labour_minutes="90")
    with app.app_context():
        visit = db.session.get(Visit, on_site.id)
        labour = round(90 * visit.labour_rate_cents / 60)
        assert (visit.labour_cents, visit.parts_cents) == (labour, 2500)
        assert visit.total_cents == labour + 2500 + 2000
        assert visit.covered_cents + visit.billable_cents == visit.total_cents
        assert visit.covered_cents >= 2500  # the covered part
