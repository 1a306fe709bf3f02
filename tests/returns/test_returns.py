"""Returns and refunds: the eligibility rule on its edge days (day 0, the window's last day, the day
after, a model that cannot be returned, the company's time zone, waiting that does not count), the
return's steps and the ones refused, the case page, the queue, and the product's public page."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseEvent, CaseStatus, CaseType, Channel, ReturnCondition, ReturnDecision, ReturnRequest,
    ReturnStatus, Role, User, VisitStatus,
)
from fieldapp.services import returns

UTC = timezone.utc


def _at(monkeypatch, moment: datetime) -> None:
    """Make the company's clock read `moment` (an aware UTC instant)."""
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def _asset(make, window=30, days_ago=10, **model_kw):
    model = make.product_model(return_window_days=window, **model_kw)
    return make.asset(product_model=model, sales_date=make.today() - timedelta(days=days_ago))


def _open_case(make, asset, **kw):
    kw.setdefault("status", CaseStatus.NEW)
    return make.case(asset=asset, **kw)


def _row(model, row_id):
    return db.session.get(model, row_id)


# --- The rule -------------------------------------------------------------------------------------------

SOLD = date(2026, 3, 1)


def _product(window: int, sold: date = SOLD):
    """Eligibility reads only the sales date and the model's window: no database needed."""
    return SimpleNamespace(sales_date=sold, product_model=SimpleNamespace(return_window_days=window))


@pytest.mark.parametrize("on, eligible", [
    (SOLD, True),                           # day 0: the day of the sale
    (SOLD + timedelta(days=1), True),
    (SOLD + timedelta(days=30), True),      # the window's last day (31 March)
    (SOLD + timedelta(days=31), False),     # the day after
    (SOLD - timedelta(days=1), True),       # asked before the recorded sale: within the window
])
def test_the_window_counts_calendar_days_from_the_sale_as_day_0(on, eligible):
    judged = returns.eligibility(_product(30), on)
    assert judged.eligible is eligible
    assert judged.last_day == date(2026, 3, 31)
    if eligible:
        assert judged.reason == "Within the 30-day return period (until 31 Mar 2026)"
    else:
        assert judged.reason == "The 30-day return period ended on 31 Mar 2026"


def test_a_one_day_window_ends_the_day_after_the_sale():
    assert returns.eligibility(_product(1), SOLD + timedelta(days=1)).eligible
    assert not returns.eligibility(_product(1), SOLD + timedelta(days=2)).eligible


def test_a_model_with_no_window_cannot_be_returned_even_on_the_day_of_sale():
    judged = returns.eligibility(_product(0), SOLD)
    assert (judged.eligible, judged.reason, judged.last_day) == (False, "This model cannot be returned", None)


def _request_at(app, monkeypatch, asset_id, moment):
    _at(monkeypatch, moment)
    with app.app_context():
        row = _row(Asset, asset_id)
        row.sales_date = SOLD
        requested = returns.request(None, row, "Too loud for the bedroom.", ReturnCondition.AS_NEW,
                                    contact={"name": "Ada", "phone": "+31 6 5555 0000"})
        result = requested.requested_on, requested.eligible
        db.session.rollback()
    return result


def test_a_request_at_2330_utc_is_judged_on_the_next_day_in_amsterdam(app, make, monkeypatch):
    """31 March 23:30 UTC is 1 April 01:30 in Amsterdam: the day after the last day."""
    asset = _asset(make, window=30)
    assert _request_at(app, monkeypatch, asset.id, datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == (
        date(2026, 3, 31), True)
    with pytest.raises(DomainError, match="ended on 31 Mar 2026"):  # the public page refuses it
        _request_at(app, monkeypatch, asset.id, datetime(2026, 3, 31, 23, 30, tzinfo=UTC))


def test_the_last_day_ends_at_local_midnight_in_summer_time(app, make, monkeypatch):
    """Summer time began on 29 March: the last day ends at 22:00 UTC, not at 23:00 nor 24:00."""
    asset = _asset(make, window=30)
    _at(monkeypatch, datetime(2026, 3, 31, 21, 59, tzinfo=UTC))
    with app.app_context():
        row = _row(Asset, asset.id)
        row.sales_date = SOLD
        assert returns.eligibility(row, clock.today()).eligible
        _at(monkeypatch, datetime(2026, 3, 31, 22, 0, tzinfo=UTC))
        assert clock.today() == date(2026, 4, 1)
        assert not returns.eligibility(row, clock.today()).eligible


def test_waiting_for_a_decision_does_not_count_against_the_customer(app, make, monkeypatch):
    """Asked on the last day, approved three weeks later: still eligible, no override needed."""
    asset = _asset(make, window=30)
    case = _open_case(make, asset)
    office = make.user(Role.DISPATCHER)
    _at(monkeypatch, datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    with app.app_context():
        row = _row(Asset, asset.id)
        row.sales_date = SOLD
        requested = returns.request(_row(Case, case.id), row, "Wrong colour.", ReturnCondition.UNOPENED,
                                    _row(User, office.id))
        db.session.commit()
        _at(monkeypatch, datetime(2026, 4, 21, 12, 0, tzinfo=UTC))
        returns.approve(requested, ReturnDecision.REFUND, 14900, None, _row(User, office.id))
        db.session.commit()
        assert (requested.requested_on, requested.eligible, requested.status) == (
            date(2026, 3, 31), True, ReturnStatus.APPROVED)


# --- Requests and steps -----------------------------------------------------------------------------------

def _start(app, make, asset=None, **kw):
    """A return requested by the office on a new case; returns (return id, case id, office user id)."""
    asset = asset or _asset(make)
    case = _open_case(make, asset)
    office = make.user(Role.DISPATCHER)
    with app.app_context():
        requested = returns.request(_row(Case, case.id), _row(Asset, asset.id), "Does not fit.",
                                    ReturnCondition.AS_NEW, _row(User, office.id))
        for name, value in kw.items():
            setattr(requested, name, value)
        db.session.commit()
        return requested.id, case.id, office.id


def _step(app, return_id, user_id, action, *args):
    with app.app_context():
        ret = _row(ReturnRequest, return_id)
        getattr(returns, action)(ret, *args, _row(User, user_id))
        db.session.commit()


def _kinds(app, case_id):
    with app.app_context():
        return [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                                   .order_by(CaseEvent.id))]


def test_a_refund_from_request_to_money_back_resolves_the_case_with_every_step_on_the_timeline(app, make):
    return_id, case_id, office = _start(app, make)
    _step(app, return_id, office, "approve", ReturnDecision.REFUND, 14900, None)
    _step(app, return_id, office, "mark_received", "Box dented, unit fine.")
    _step(app, return_id, office, "complete", None, True)
    with app.app_context():
        ret = _row(ReturnRequest, return_id)
        assert (ret.status, ret.amount_cents, ret.decision) == (ReturnStatus.REFUNDED, 14900, ReturnDecision.REFUND)
        assert ret.case.status is CaseStatus.RESOLVED
        assert ret.case.resolution_summary == "Return refunded: €149.00."
        notes = [e.note for e in ret.case.events]
    assert _kinds(app, case_id) == ["return_requested", "return_approved", "return_received", "return_completed",
                                    "resolved"]
    assert "Box dented, unit fine." in notes and "Refunded: €149.00" in notes


@pytest.mark.parametrize("decision, status", [(ReturnDecision.EXCHANGE, ReturnStatus.EXCHANGED),
                                              (ReturnDecision.REPAIR, ReturnStatus.REPAIRED)])
def test_an_exchange_or_a_repair_completes_without_an_amount_and_may_leave_the_case_open(app, make, decision,
                                                                                          status):
    return_id, case_id, office = _start(app, make)
    _step(app, return_id, office, "approve", decision, None, None)
    _step(app, return_id, office, "mark_received", None)
    _step(app, return_id, office, "complete", None, False)
    with app.app_context():
        ret = _row(ReturnRequest, return_id)
        assert (ret.status, ret.amount_cents, ret.case.status) == (status, None, CaseStatus.NEW)


def test_a_refund_needs_its_amount_at_the_latest_when_it_completes(app, make):
    return_id, _, office = _start(app, make)
    _step(app, return_id, office, "approve", ReturnDecision.REFUND, None, None)
    _step(app, return_id, office, "mark_received", None)
    with pytest.raises(DomainError) as refused:
        _step(app, return_id, office, "complete", None, False)
    assert (refused.value.field, refused.value.kind) == ("amount", "invalid")
    _step(app, return_id, office, "complete", 9900, False)
    with app.app_context():
        assert _row(ReturnRequest, return_id).amount_cents == 9900


def test_an_ineligible_return_is_approved_only_with_a_note(app, make):
    return_id, case_id, office = _start(app, make, asset=_asset(make, window=14, days_ago=40))
    with app.app_context():
        ret = _row(ReturnRequest, return_id)
        assert not ret.eligible and ret.eligibility_reason.startswith("The 14-day return period ended on")
    for note in (None, "   "):
        with pytest.raises(DomainError) as refused:
            _step(app, return_id, office, "approve", ReturnDecision.REPAIR, None, note)
        assert (refused.value.field, refused.value.kind) == ("override_note", "invalid")
    _step(app, return_id, office, "approve", ReturnDecision.REPAIR, None, "Loyal customer, goodwill.")
    with app.app_context():
        ret = _row(ReturnRequest, return_id)
        assert ret.override_note == "Loyal customer, goodwill." and ret.status is ReturnStatus.APPROVED
        assert "approved because: Loyal customer, goodwill." in ret.case.events[-1].note


OUT_OF_ORDER = [
    (ReturnStatus.REQUESTED, "mark_received", (None,), "A return that is requested cannot be marked received."),
    (ReturnStatus.REQUESTED, "complete", (100, False), "A return that is requested cannot be completed."),
    (ReturnStatus.APPROVED, "approve", (ReturnDecision.REFUND, None, None), "cannot be approved"),
    (ReturnStatus.APPROVED, "refuse", ("Too late.",), "cannot be refused"),
    (ReturnStatus.APPROVED, "complete", (100, False), "A return that is approved cannot be completed."),
    (ReturnStatus.REFUSED, "approve", (ReturnDecision.REFUND, None, "note"), "cannot be approved"),
    (ReturnStatus.REFUNDED, "mark_received", (None,), "A return that is refunded cannot be marked received."),
    (ReturnStatus.RECEIVED, "refuse", ("No.",), "cannot be refused"),
]


def test_steps_out_of_order_are_refused_as_conflicts(app, make):
    for status, action, args, message in OUT_OF_ORDER:
        decision = None if status in (ReturnStatus.REQUESTED, ReturnStatus.REFUSED) else ReturnDecision.REFUND
        return_id, _, office = _start(app, make, status=status, decision=decision)
        with pytest.raises(DomainError, match=message) as refused:
            _step(app, return_id, office, action, *args)
        assert refused.value.kind == "conflict"
        with app.app_context():
            assert _row(ReturnRequest, return_id).status is status


def test_one_open_return_per_product_and_none_on_a_closed_case(app, make):
    asset = _asset(make)
    _, _, office = _start(app, make, asset=asset)
    closed = _open_case(make, _asset(make), status=CaseStatus.CLOSED)
    with app.app_context():
        with pytest.raises(DomainError, match="already in progress .case C-"):
            returns.request(None, _row(Asset, asset.id), "Again.", ReturnCondition.USED, _row(User, office))
        with pytest.raises(DomainError, match="closed. Reopen it first"):
            returns.request(_row(Case, closed.id), _row(Asset, closed.asset_id), "Broken.", ReturnCondition.FAULTY,
                            _row(User, office))


def test_the_office_may_open_a_return_case_for_a_product(app, make):
    asset = _asset(make, window=0)
    office = make.user(Role.DISPATCHER)
    with app.app_context():
        requested = returns.request(None, _row(Asset, asset.id), "Customer insists.", ReturnCondition.USED,
                                    _row(User, office.id), channel=Channel.EMAIL)
        db.session.commit()
        case = requested.case
        assert (case.case_type, case.channel, case.status, case.created_by_id) == (
            CaseType.RETURN, Channel.EMAIL, CaseStatus.NEW, office.id)
        assert (requested.eligible, requested.eligibility_reason) == (False, "This model cannot be returned")
        assert [e.kind for e in case.events if e.kind not in ("mail_sent", "text_sent")] == [
            "opened", "return_requested"]


def test_resolving_with_the_return_waits_for_the_cases_visits(app, make):
    asset = _asset(make)
    return_id, case_id, office = _start(app, make, asset=asset, status=ReturnStatus.RECEIVED,
                                        decision=ReturnDecision.EXCHANGE)
    make.visit(case=_row_detached(app, Case, case_id), status=VisitStatus.SCHEDULED)
    with pytest.raises(DomainError) as refused:
        _step(app, return_id, office, "complete", None, True)
    assert refused.value.field == "resolve_case"
    with app.app_context():
        assert _row(ReturnRequest, return_id).status is ReturnStatus.RECEIVED  # nothing saved half-way


def _row_detached(app, model, row_id):
    with app.app_context():
        row = _row(model, row_id)
        db.session.expunge(row)
        return row


# --- The case page ------------------------------------------------------------------------------------------

def test_the_office_starts_a_return_from_the_case_page(app, client, make, dispatcher):
    asset = _asset(make, window=14, days_ago=40)
    case = _open_case(make, asset)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Start a return" in page and "No returns." in page
    short = client.post(f"/cases/{case.id}/returns", data={"reason": "Big", "condition": "unopened"})
    html = short.get_data(as_text=True)
    assert short.status_code == 422 and "Write 5 to 2000 characters." in html
    assert '<details class="return-start" open>' in html and '<option selected value="unopened">' in html

    response = client.post(f"/cases/{case.id}/returns", data={"reason": "Too big for the room.",
                                                               "condition": "unopened"})

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/cases/{case.id}#returns")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Not eligible" in html and "The 14-day return period ended on" in html
    assert "Why approve it anyway?" in html and "Approve the return" in html and "Refuse the return" in html
    assert "Return requested" in html and "Start a return" not in html  # one at a time


def test_a_case_without_a_product_offers_no_return_and_refuses_one(app, client, make, dispatcher):
    with app.app_context():
        case = Case(number="C-2026-09999", channel=Channel.PHONE, description="A question.",
                    status=CaseStatus.NEW, contact_name="Ann")
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    assert "Start a return" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    response = client.post(f"/cases/{case_id}/returns", data={"reason": "Too big.", "condition": "unopened"})
    assert response.status_code == 409 and "This case has no product" in response.get_data(as_text=True)


def test_approving_an_ineligible_return_without_a_note_is_422_and_keeps_what_was_typed(app, client, make,
                                                                                      dispatcher):
    return_id, case_id, _ = _start(app, make, asset=_asset(make, window=14, days_ago=40))

    response = client.post(f"/returns/{return_id}/approve", data={"decision": "refund", "amount": "149,00",
                                                                  "override_note": ""})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write why it is approved anyway." in html and 'value="149,00"' in html
    assert '<option selected value="refund">' in html
    with app.app_context():
        assert _row(ReturnRequest, return_id).status is ReturnStatus.REQUESTED


def test_the_whole_return_on_the_case_page_and_a_step_out_of_order_is_409(app, client, make, dispatcher):
    return_id, case_id, _ = _start(app, make)
    early = client.post(f"/returns/{return_id}/receive", data={"note": ""})
    assert early.status_code == 409
    assert "A return that is requested cannot be marked received." in early.get_data(as_text=True)

    assert client.post(f"/returns/{return_id}/approve", data={"decision": "refund", "amount": "149.00"}
                       ).status_code == 303
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Mark the product received" in page and "€149.00" in page
    assert client.post(f"/returns/{return_id}/receive", data={"note": "Complete, in its box."}).status_code == 303
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'value="149.00"' in page and "Mark refunded" in page  # the approved amount, ready to confirm
    assert client.post(f"/returns/{return_id}/complete", data={"amount": "149.00", "resolve_case": "y"}
                       ).status_code == 303

    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    timeline = page.split('id="timeline"', 1)[1]
    for label in ("Return requested", "Return approved", "Returned product received", "Return completed",
                  "Resolved"):
        assert label in timeline, label
    assert "Refunded: €149.00" in timeline
    assert client.post(f"/returns/{return_id}/refuse", data={"reason": "Changed my mind."}).status_code == 409
    assert client.post("/returns/999999/refuse", data={"reason": "Changed my mind."}).status_code == 404


def test_the_queue_shows_open_returns_by_default_and_filters_by_status(app, client, make, dispatcher):
    waiting, _, _ = _start(app, make)
    late, _, _ = _start(app, make, asset=_asset(make, window=14, days_ago=40))
    done, done_case, _ = _start(app, make, status=ReturnStatus.REFUNDED, decision=ReturnDecision.REFUND,
                                amount_cents=5000)
    with app.app_context():
        numbers = {r.id: r.case.number for r in db.session.scalars(select(ReturnRequest))}

    html = client.get("/returns/").get_data(as_text=True)
    assert numbers[waiting] in html and numbers[late] in html and numbers[done] not in html
    assert "The 14-day return period ended on" in html and "today" in html
    refunded = client.get("/returns/?status=refunded").get_data(as_text=True)
    assert numbers[done] in refunded and numbers[waiting] not in refunded and "€50.00" in refunded
    everything = client.get("/returns/?status=all").get_data(as_text=True)
    assert all(number in everything for number in numbers.values())
    assert client.get("/returns/?status=lost").status_code == 400


def test_the_queue_query_count_does_not_grow_with_its_rows(app, client, make, dispatcher, count_queries):
    _start(app, make)
    with count_queries() as few:
        client.get("/returns/")
    for _ in range(4):
        _start(app, make)
    with count_queries() as many:
        client.get("/returns/")
    assert many.count == few.count


def test_the_nav_links_to_returns_for_the_office_only(client, auth, make):
    auth.as_role(Role.DISPATCHER)
    assert 'href="/returns/"' in client.get("/customers/").get_data(as_text=True)
    auth.logout()
    auth.as_role(Role.TECHNICIAN)
    assert 'href="/returns/"' not in client.get("/account/").get_data(as_text=True)


# --- The product's public page ----------------------------------------------------------------------------------

def _public(client, asset):
    return client.get(f"/a/{asset.qr_token}").get_data(as_text=True)


def test_the_public_page_states_the_policy_while_returnable(client, make):
    asset = _asset(make, window=30, days_ago=10, return_conditions="Unused, in the original packaging.")
    last = (make.today() + timedelta(days=20)).strftime("%-d %b %Y")
    html = _public(client, asset)
    assert f"You can return this product within 30 days of purchase (until {last})." in html
    assert "Unused, in the original packaging." in html and "Request a return" in html


def test_the_public_page_says_when_the_period_ended_or_that_it_cannot_be_returned(client, make):
    ended = _asset(make, window=14, days_ago=40)
    html = _public(client, ended)
    assert f"The return period ended on {(make.today() - timedelta(days=26)).strftime('%-d %b %Y')}." in html
    assert "Request a return" not in html
    never = _public(client, _asset(make, window=0, days_ago=1))
    assert "This product cannot be returned." in never and "Request a return" not in never


def return_data(**overrides):
    return {"name": "Ada", "phone": "+31 6 5555 0000", "email": "", "reason": "It is too loud at night.",
            "condition": "as_new", "website": "", **overrides}


def test_a_public_return_request_opens_a_case_in_the_queue_and_shows_only_its_reference(app, client, make):
    customer = make.customer(name="Margaret Hamilton", phone="+31 6 1111 2222", email="margaret@example.com",
                             address="Apollostraat 11, 1969 MH Houston")
    model = make.product_model(return_window_days=30)
    asset = make.asset(customer=customer, product_model=model, serial_number="HP9-SECRET-1",
                       sales_date=make.today() - timedelta(days=3))

    response = client.post(f"/a/{asset.qr_token}/return", data=return_data())

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Case))
        ret = case.return_requests[0]
        assert (case.channel, case.case_type, case.status, case.contact_name) == (
            Channel.QR, CaseType.RETURN, CaseStatus.NEW, "Ada")
        assert (ret.status, ret.eligible, ret.condition, ret.created_by_id) == (
            ReturnStatus.REQUESTED, True, ReturnCondition.AS_NEW, None)
        assert [e.kind for e in case.events if e.kind not in ("mail_sent", "text_sent")] == [
            "opened", "return_requested"]
        number = case.number
    assert number in page and "Thank you, we have your request" in page
    again = _public(client, asset)
    assert "already being handled" in again and "Request a return" not in again
    for private in ("Margaret", "1111 2222", "margaret@example.com", "Apollostraat", "HP9-SECRET-1"):
        assert private not in page + again, private


def test_the_returns_honeypot_swallows_bots(app, client, make):
    asset = _asset(make)
    response = client.post(f"/a/{asset.qr_token}/return", data=return_data(website="http://spam.example"))
    assert response.status_code == 303
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("overrides, message", [
    ({"reason": ""}, "Tell us why you want to return it."),
    ({"condition": ""}, "Choose the product&#39;s condition."),
    ({"phone": "", "email": ""}, "Give a phone number or an email address"),
])
def test_bad_public_return_requests_keep_the_input_and_save_nothing(app, client, make, overrides, message):
    asset = _asset(make)
    response = client.post(f"/a/{asset.qr_token}/return", data=return_data(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'id="return-name"' in html and 'value="Ada"' in html and "<details class=\"return-request\" open>" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_public_return_after_the_period_is_refused_with_the_reason(app, client, make):
    asset = _asset(make, window=14, days_ago=40)
    response = client.post(f"/a/{asset.qr_token}/return", data=return_data())
    assert response.status_code == 409 and "The 14-day return period ended on" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


def test_flooding_the_return_form_is_refused_with_429(client, make):
    asset = _asset(make)
    statuses = [client.post(f"/a/{asset.qr_token}/return", data=return_data(website="bot")).status_code
                for _ in range(6)]
    assert statuses == [303] * 5 + [429]
