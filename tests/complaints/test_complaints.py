"""Complaints (process steps 6 and 8): logged on a case, from a rating or from the product's QR page;
the office's queue (open oldest first with owner and age, resolved, recent low ratings); assigning
and resolving, which clears the complaint's attention item; and the board's "Needs you" strip."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import (
    AttentionItem, Case, CaseEvent, CaseStatus, Channel, Complaint, ComplaintSource, RatingSource, Role, Visit,
    VisitStatus,
)
from fieldapp.services import ratings
from tests.conftest import cid

UTC = timezone.utc


def resolve(client, complaint_id, **data):
    return client.post(f"/complaints/{complaint_id}/resolve", data={
        "client_id": cid(), "resolution": "Apologised and sent a voucher.", "customer_response": "Accepted, thanks.",
        **data})


def _case(app, case_id) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.attention_items, case.complaints, case.events  # loaded before leaving the session
        db.session.expunge_all()
        return case


def listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="complaint-(\d+)"', html)]


# --- Logged on the case page --------------------------------------------------------------------------

def test_a_complaint_by_phone_raises_attention_linked_to_it(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)

    response = client.post(f"/cases/{case.id}/complaints", data={
        "client_id": cid(), "source": "phone", "description": "The invoice is wrong.", "mine": "y"})

    assert response.status_code == 303 and response.headers["Location"].endswith("#complaints")
    saved = _case(app, case.id)
    [complaint], [item] = saved.complaints, saved.attention_items
    assert complaint.attention_item_id == item.id and complaint.owner_id == dispatcher.id
    assert complaint.source is ComplaintSource.PHONE and saved.needs_attention
    assert item.reason == "Complaint (phone): The invoice is wrong."
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    section = html[html.index('id="complaints"'):]
    assert "The invoice is wrong." in section and "handled by " + dispatcher.name in section


def test_a_complaint_without_text_is_refused_and_nothing_is_saved(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    response = client.post(f"/cases/{case.id}/complaints", data={
        "client_id": cid(), "source": "email", "description": "  "})
    assert response.status_code == 422
    assert "Write what the customer complains about." in response.get_data(as_text=True)
    assert _case(app, case.id).complaints == []


# --- Resolved -----------------------------------------------------------------------------------------

def test_resolving_clears_the_complaints_attention_item_only(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED, attention="Visit could not be completed")
    complaint = make.complaint(case)

    response = resolve(client, complaint.id)

    assert response.status_code == 303 and response.headers["Location"].endswith("/complaints/?state=open")
    saved = _case(app, case.id)
    [row] = saved.complaints
    assert row.resolution == "Apologised and sent a voucher." and row.customer_response == "Accepted, thanks."
    assert row.resolved_by_id == dispatcher.id and not row.is_open
    assert [i.reason for i in saved.open_attention] == ["Visit could not be completed"]
    assert saved.needs_attention  # the other item still waits
    assert [e.kind for e in saved.events] == ["attention_cleared", "complaint_resolved"]
    assert "Accepted, thanks." in saved.events[-1].note


def test_resolving_the_last_item_takes_the_case_off_attention(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    complaint = make.complaint(case)
    resolve(client, complaint.id, back="case")
    assert _case(app, case.id).needs_attention is False
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="attention"' not in html and "Accepted, thanks." in html


def test_an_item_cleared_by_hand_before_does_not_stop_the_resolution(app, client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    complaint = make.complaint(case)
    with app.app_context():
        db.session.get(AttentionItem, db.session.get(Complaint, complaint.id).attention_item_id).cleared_at = \
            datetime.now(UTC)
        db.session.commit()
    assert resolve(client, complaint.id).status_code == 303
    assert [e.kind for e in _case(app, case.id).events] == ["complaint_resolved"]


def test_resolving_twice_is_a_conflict(app, client, make, dispatcher):
    complaint = make.complaint()
    assert resolve(client, complaint.id).status_code == 303
    again = resolve(client, complaint.id, resolution="Something else.")
    assert again.status_code == 409 and "resolved already by" in again.get_data(as_text=True)


def test_a_resolution_without_the_customers_answer_keeps_what_was_typed(app, client, make, dispatcher):
    complaint = make.complaint()
    response = resolve(client, complaint.id, resolution="Called and apologised.", customer_response="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write what the customer said" in html and "Called and apologised." in html
    assert '<details class="queue-item__form" open>' in html
    with app.app_context():
        assert db.session.get(Complaint, complaint.id).is_open


def test_a_refusal_on_the_case_page_comes_back_to_the_case_page(client, make, dispatcher):
    case = make.case(status=CaseStatus.RESOLVED)
    complaint = make.complaint(case)
    response = resolve(client, complaint.id, resolution="", back="case")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="complaints-title"' in html and "Write what was done about it." in html and "Accepted, thanks." in html


# --- Assigned, and the queue ----------------------------------------------------------------------------

def test_assigning_and_the_owner_filters(app, client, make, dispatcher):
    colleague = make.user(Role.ADMIN, name="Alex Admin")
    mine = make.complaint(owner_id=dispatcher.id)
    theirs = make.complaint()
    nobodys = make.complaint()

    response = client.post(f"/complaints/{theirs.id}/assign", data={"owner_id": colleague.id, "back": "queue"})

    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Complaint, theirs.id).owner_id == colleague.id
        assert db.session.scalar(select(CaseEvent.note).where(CaseEvent.kind == "complaint_assigned")) == \
            "Alex Admin handles the complaint."
    assert listed(client.get("/complaints/?owner=mine").get_data(as_text=True)) == [mine.id]
    assert listed(client.get("/complaints/?owner=unassigned").get_data(as_text=True)) == [nobodys.id]
    assert listed(client.get(f"/complaints/?owner={colleague.id}").get_data(as_text=True)) == [theirs.id]
    technician = make.user(Role.TECHNICIAN)
    assert client.get(f"/complaints/?owner={technician.id}").status_code == 400
    refused = client.post(f"/complaints/{nobodys.id}/assign", data={"owner_id": technician.id, "back": "queue"})
    assert refused.status_code == 422 and "Choose someone in the office." in refused.get_data(as_text=True)


def test_open_complaints_oldest_first_with_their_age_and_resolved_ones_apart(client, make, dispatcher):
    now = datetime.now(UTC)
    newer = make.complaint(received_at=now - timedelta(hours=3), description="Late again.")
    older = make.complaint(received_at=now - timedelta(days=2, hours=4), description="Mud on the carpet.")
    done = make.complaint(received_at=now - timedelta(days=9), resolved_at=now - timedelta(days=8),
                          resolution="Cleaned it.", customer_response="Fine now.")

    html = client.get("/complaints/").get_data(as_text=True)

    assert listed(html) == [older.id, newer.id]
    assert "2 d 4 h open" in html and "3 h open" in html
    assert re.search(r'>Open <span class="tab__count">2</span>', html)
    resolved = client.get("/complaints/?state=resolved").get_data(as_text=True)
    assert listed(resolved) == [done.id] and "Cleaned it." in resolved and "Fine now." in resolved


def test_the_queue_query_count_does_not_grow_with_complaints(client, make, dispatcher, count_queries):
    make.complaint()
    with count_queries() as one:
        client.get("/complaints/")
    for _ in range(6):
        make.complaint(make.case(asset=make.asset()))
    with count_queries() as many:
        client.get("/complaints/")
    assert many.count == one.count <= 8


def test_technicians_have_no_complaint_queue(client, auth, make):
    complaint = make.complaint()
    auth.as_role(Role.TECHNICIAN)
    assert client.get("/complaints/").status_code == 403
    assert resolve(client, complaint.id).status_code == 403


# --- From a rating ----------------------------------------------------------------------------------------

def _rated(app, make, overall: int, complaint: str | None, days_ago: int = 1) -> Visit:
    done = datetime.now(UTC) - timedelta(days=days_ago)
    visit = make.visit(status=VisitStatus.COMPLETED, arrived_at=done - timedelta(hours=1), completed_at=done,
                       case=make.case(status=CaseStatus.RESOLVED))
    with app.app_context():
        scores = {a: overall for a in ("overall", "timeliness", "professionalism", "quality", "product_performance")}
        rating = ratings.submit(db.session.get(Visit, visit.id), scores, None, complaint, RatingSource.QR)
        rating.created_at = done
        db.session.commit()
    return visit


def test_a_ratings_complaint_is_linked_to_its_visit_and_attention_item(app, client, make, dispatcher):
    visit = _rated(app, make, 1, "The engineer was late.")
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert complaint.visit_id == visit.id and complaint.source is ComplaintSource.QR_RATING
        assert complaint.attention_item.reason == "Customer rated 1/5 and complaint"
        complaint_id = complaint.id
    resolve(client, complaint_id)
    assert _case(app, visit.case_id).needs_attention is False


def test_recent_low_ratings_waiting_on_their_case_are_listed_and_on_the_board(app, client, make, dispatcher):
    waiting = _rated(app, make, 2, None)
    _rated(app, make, 1, None, days_ago=20)  # too old
    handled = _rated(app, make, 2, None)
    with app.app_context():
        item = db.session.scalar(select(AttentionItem).where(AttentionItem.case_id == handled.case_id))
        item.cleared_at = datetime.now(UTC)
        db.session.get(Case, handled.case_id).needs_attention = False
        db.session.commit()
    _rated(app, make, 4, None)  # not low

    html = client.get("/complaints/?state=low_ratings").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'href="/cases/(\d+)"', html[html.index("queue-list"):])] == [waiting.case_id]
    assert "Rated 2/5" in html and "Needs attention: Customer rated 2/5" in html

    board = client.get("/dispatch/").get_data(as_text=True)
    notices = board[board.index('id="notices-title"'):board.index('id="board"')]
    assert '<a href="/complaints/?state=low_ratings">1 low rating to call back</a>' in notices


# --- The board's "Needs you" strip --------------------------------------------------------------------------

def test_the_board_shows_what_needs_the_office_with_links_to_the_queues(client, make, dispatcher):
    make.complaint(), make.complaint()
    make.complaint(resolved_at=datetime.now(UTC), resolution="Done.")
    case = make.case(status=CaseStatus.RESOLVED)
    make.follow_up(case, due_on=make.today() - timedelta(days=1))
    make.follow_up(case, due_on=make.today())
    make.follow_up(case, due_on=make.today() + timedelta(days=1))

    html = client.get("/dispatch/").get_data(as_text=True)

    notices = html[html.index('id="notices-title"'):html.index('id="board"')]
    assert '<a href="/complaints/">2 open complaints</a>' in notices
    assert '<a href="/follow-ups/?bucket=overdue">1 follow-up overdue</a>' in notices
    assert '<a href="/follow-ups/?bucket=today">1 follow-up due today</a>' in notices
    assert "low rating" not in notices


def test_the_board_shows_no_strip_when_nothing_waits(client, dispatcher):
    response = client.get("/dispatch/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="board"' in html  # the board itself
    assert 'id="notices-title"' not in html


# --- From the product's QR page ------------------------------------------------------------------------------

def complain(client, token, **data):
    return client.post(f"/a/{token}/complaint", data={
        "name": "Piet Buur", "phone": "+31 6 5555 1234", "email": "", "website": "",
        "description": "The technician blocked our driveway all morning.", **data})


def test_a_qr_complaint_opens_a_case_when_none_is_open(app, client, make):
    customer = make.customer(name="Greta Geheim", phone="+31 6 0000 9999", address="Geheimstraat 7, Utrecht")
    asset = make.asset(customer=customer)
    make.case(asset=asset, status=CaseStatus.CLOSED, description="Old private problem")

    response = complain(client, asset.qr_token)

    assert response.status_code == 303 and response.headers["Location"].endswith("/complaint-received")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.status == CaseStatus.NEW))
        assert case.channel is Channel.QR and case.asset_id == asset.id and case.needs_attention
        [complaint] = case.complaints
        assert complaint.source is ComplaintSource.QR_PAGE and complaint.attention_item_id is not None
        assert "From: Piet Buur, +31 6 5555 1234" in complaint.description
        number = case.number
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert number in thanks and "Thank you for telling us" in thanks
    for private in ("Greta Geheim", "+31 6 0000 9999", "Geheimstraat", "Old private problem", "Piet Buur",
                    "driveway"):
        assert private not in thanks


def test_a_qr_complaint_goes_on_the_products_latest_open_case(app, client, make):
    asset = make.asset()
    make.case(asset=asset, status=CaseStatus.NEW, created_at=datetime.now(UTC) - timedelta(days=3))
    latest = make.case(asset=asset, status=CaseStatus.SCHEDULED, created_at=datetime.now(UTC) - timedelta(days=1),
                       description="Private: the alarm code is 1234")

    response = complain(client, asset.qr_token)

    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 2
        complaint = db.session.scalar(select(Complaint))
        assert complaint.case_id == latest.id and db.session.get(Case, latest.id).needs_attention
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert latest.number in thanks and "alarm code" not in thanks


def test_the_public_page_offers_the_form_and_a_bad_one_keeps_what_was_typed(app, client, make):
    asset = make.asset()
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Something wrong? Tell us" in page and f'action="/a/{asset.qr_token}/complaint#complaint"' in page

    response = complain(client, asset.qr_token, phone="", description="Rude on the phone.")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a phone number or an email address" in html and "Rude on the phone." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_a_bot_filling_the_hidden_field_stores_nothing(app, client, make):
    asset = make.asset()
    response = complain(client, asset.qr_token, website="http://spam.example")
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for telling us" in thanks and "Your reference" not in thanks
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


def test_qr_complaints_are_rate_limited_per_client(new_app, make):
    app = new_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    from tests.conftest import Factory

    asset = Factory(app).asset()
    statuses = [complain(client, asset.qr_token).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
