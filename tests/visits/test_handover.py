"""The hand-over: the technician gives the phone to the customer, who rates five aspects, may
comment or complain, and signs. One rating per visit; a low score or a complaint flags the case."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import (
    Case, Complaint, ComplaintSource, Rating, RatingSource, Role, VisitStatus,
)

SIGNATURE = "M 10 10 L 20 20 L 30 25"
ASPECTS = ("overall", "timeliness", "professionalism", "quality", "product_performance")
LABELS = {"overall": "Overall", "timeliness": "Timeliness", "professionalism": "Professionalism",
          "quality": "Quality of the work", "product_performance": "Product performance"}


def new_id() -> str:
    return str(uuid.uuid4())


def rating_data(**overrides) -> dict:
    data = {aspect: "5" for aspect in ASPECTS}
    data.update(comments="", complaint="", signer_name="Ada Lovelace", signature=SIGNATURE, client_id=new_id())
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def on_site_visit(make, technician, customer_name="Ada Lovelace", status=VisitStatus.ON_SITE):
    """The technician on site, or (status=COMPLETED) having just completed the visit."""
    customer = make.customer(name=customer_name)
    case = make.case(asset=make.asset(customer=customer))
    now = datetime.now(timezone.utc)
    ended = {"completed_at": now - timedelta(minutes=5)} if status is VisitStatus.COMPLETED else {}
    return make.visit(technician, case=case, status=status, arrived_at=now - timedelta(minutes=40), **ended)


def ratings_of(app, visit_id) -> list[Rating]:
    with app.app_context():
        rows = db.session.scalars(select(Rating).where(Rating.visit_id == visit_id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def rating_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Rating.id)))


def case_of(app, case_id) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.attention_items  # loaded before the case leaves the session
        db.session.expunge(case)
        return case


def complaints_of(app, case_id) -> list[Complaint]:
    with app.app_context():
        rows = db.session.scalars(select(Complaint).where(Complaint.case_id == case_id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def star_errors(html: str) -> dict[str, str]:
    """The error shown in each stars fieldset, by its legend (what the customer sees highlighted)."""
    errors = {}
    for fieldset in re.findall(r'<fieldset class="stars[^"]*">(.*?)</fieldset>', html, re.S):
        legend = re.search(r"<legend>(.*?)</legend>", fieldset).group(1)
        error = re.search(r'<p class="field__error">(.*?)</p>', fieldset, re.S)
        if error:
            errors[legend] = error.group(1)
    return errors


def test_the_form_is_shown_on_site_with_the_customers_name_filled_in(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN, name="Tom Tech")
    visit = on_site_visit(make, me, "Ada Lovelace")

    response = client.get(f"/visits/{visit.id}/handover/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How did we do?" in html and "Tom Tech" in html
    assert re.search(r'<input[^>]*name="signer_name"[^>]*value="Ada Lovelace"', html)
    for label in LABELS.values():
        assert f"<legend>{label}</legend>" in html
    assert 'name="signature"' in html and 'name="client_id"' in html
    # The visit page offers the hand-over while the visit can be rated.
    assert f"/visits/{visit.id}/handover/" in client.get(f"/visits/{visit.id}").get_data(as_text=True)


@pytest.mark.parametrize("status", [VisitStatus.ON_SITE, VisitStatus.COMPLETED])
def test_a_valid_rating_is_stored_and_the_customer_is_thanked(app, client, auth, make, status):
    me = auth.as_role(Role.TECHNICIAN, name="Tom Tech")
    visit = on_site_visit(make, me, status=status)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(
        overall="4", timeliness="3", professionalism="5", quality="4", product_performance="3",
        comments="  Quick and tidy.  ", signer_name="  Ada L.  "))

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/visits/{visit.id}/handover/")
    [rating] = ratings_of(app, visit.id)
    assert rating.source is RatingSource.ON_SITE
    assert (rating.overall, rating.timeliness, rating.professionalism, rating.quality,
            rating.product_performance) == (4, 3, 5, 4, 3)
    assert rating.comments == "Quick and tidy." and rating.complaint is None
    assert rating.signer_name == "Ada L." and rating.signature_svg == SIGNATURE
    case = case_of(app, visit.case_id)
    assert case.needs_attention is False and complaints_of(app, visit.case_id) == []

    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you, Ada L.!" in thanks
    assert "hand the phone back to Tom Tech" in thanks
    assert "Submit rating" not in thanks


def test_the_visit_page_then_shows_the_rating_summary(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)
    client.post(f"/visits/{visit.id}/handover/", data=rating_data(
        overall="4", timeliness="2", comments="Friendly <b>service</b>"))

    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)

    assert "Customer rating" in html
    assert "<dt>Overall</dt><dd>4/5</dd>" in html and "<dt>Timeliness</dt><dd>2/5</dd>" in html
    assert "Friendly &lt;b&gt;service&lt;/b&gt;" in html
    assert "On site" in html and "signed by Ada Lovelace" in html
    assert f'<path d="{SIGNATURE}"' in html
    # Rated: the hand-over button is gone.
    assert "Hand over for the customer" not in html


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("value", ["0", "6", "-1", "5.0", "five", ""])
def test_a_score_outside_1_to_5_is_refused_at_that_aspect(app, client, auth, make, aspect, value):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(**{aspect: value}))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please complete the highlighted parts." in html
    # Only the fieldset of that aspect (its legend names it) is highlighted, with a message.
    errors = star_errors(html)
    assert list(errors) == [LABELS[aspect]], errors
    assert errors[LABELS[aspect]].strip()
    assert rating_count(app) == 0


@pytest.mark.parametrize("value", ["6", "five"])
def test_the_message_for_an_invalid_score_names_the_aspect(app, client, auth, make, value):
    """Like the message for a missing score ("Choose 1 to 5 stars for timeliness.")."""
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(timeliness=value))

    assert response.status_code == 422
    assert "timeliness" in star_errors(response.get_data(as_text=True))["Timeliness"].lower()
    assert rating_count(app) == 0


def test_a_missing_score_is_refused_naming_the_aspect(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(professionalism=None))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert star_errors(html) == {"Professionalism": "Choose 1 to 5 stars for professionalism."}
    # What was entered stays on screen.
    assert re.search(r'name="overall" value="5" checked', html)
    assert rating_count(app) == 0


@pytest.mark.parametrize("signature", [None, "", "   ", "M 10 10", "<script>alert(1)</script>",
                                       "M 10 10 L 20 20<script>alert(1)</script>"])
def test_a_missing_or_unsafe_signature_is_refused(app, client, auth, make, signature):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(signature=signature))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please sign in the box." in html
    assert "<script>alert" not in html
    assert rating_count(app) == 0


def test_a_missing_signer_name_is_refused(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(signer_name="  "))

    assert response.status_code == 422
    assert "Please write your name." in response.get_data(as_text=True)
    assert rating_count(app) == 0


def test_a_second_rating_is_refused_as_already_rated(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)
    assert client.post(f"/visits/{visit.id}/handover/", data=rating_data()).status_code == 303

    second = client.post(f"/visits/{visit.id}/handover/", data=rating_data(
        overall="1", complaint="Changed my mind", signer_name="Someone Else"))

    assert second.status_code == 409
    assert "already been rated" in second.get_data(as_text=True)
    [rating] = ratings_of(app, visit.id)
    assert rating.overall == 5 and rating.signer_name == "Ada Lovelace"
    assert case_of(app, visit.case_id).needs_attention is False
    assert complaints_of(app, visit.case_id) == []


def test_the_same_submission_twice_stores_one_rating(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)
    data = rating_data(overall="1", complaint="The engineer was late.")

    first = client.post(f"/visits/{visit.id}/handover/", data=data)
    again = client.post(f"/visits/{visit.id}/handover/", data=data)

    assert first.status_code == again.status_code == 303
    assert "Thank you" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(ratings_of(app, visit.id)) == 1
    assert len(complaints_of(app, visit.case_id)) == 1


def test_a_low_rating_flags_the_case_with_a_reason(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(overall="2"))

    assert response.status_code == 303
    case = case_of(app, visit.case_id)
    assert case.needs_attention is True
    assert "rated 2/5" in case.attention_reason
    assert complaints_of(app, visit.case_id) == []


def test_an_overall_of_three_without_a_complaint_does_not_flag_the_case(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(
        overall="3", timeliness="1", complaint="   "))

    assert response.status_code == 303
    case = case_of(app, visit.case_id)
    assert case.needs_attention is False and case.attention_reason is None
    assert complaints_of(app, visit.case_id) == []
    [rating] = ratings_of(app, visit.id)
    assert rating.complaint is None


def test_a_complaint_creates_a_complaint_and_flags_the_case(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(
        overall="5", complaint="  Mud on the carpet.  "))

    assert response.status_code == 303
    [complaint] = complaints_of(app, visit.case_id)
    assert complaint.source is ComplaintSource.ON_SITE_RATING
    assert complaint.description == "Mud on the carpet."
    case = case_of(app, visit.case_id)
    assert case.needs_attention is True and "complaint" in case.attention_reason
    [rating] = ratings_of(app, visit.id)
    assert rating.complaint == "Mud on the carpet."


def test_a_low_rating_with_a_complaint_gives_both_reasons(app, client, auth, make):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me)

    client.post(f"/visits/{visit.id}/handover/", data=rating_data(overall="1", complaint="Broke the door."))

    case = case_of(app, visit.case_id)
    assert case.needs_attention is True
    assert "rated 1/5" in case.attention_reason and "complaint" in case.attention_reason
    assert len(complaints_of(app, visit.case_id)) == 1


@pytest.mark.parametrize("status", [VisitStatus.SCHEDULED, VisitStatus.TRAVELLING,
                                    VisitStatus.NOT_COMPLETED, VisitStatus.CANCELLED])
def test_a_visit_not_reached_yet_cannot_be_rated(app, client, auth, make, status):
    me = auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, me, status=status)

    page = client.get(f"/visits/{visit.id}/handover/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rating not open yet" in html and "Submit rating" not in html

    response = client.post(f"/visits/{visit.id}/handover/", data=rating_data(overall="1", complaint="Bad"))
    assert response.status_code == 409
    assert "Rating not open yet" in response.get_data(as_text=True)
    assert rating_count(app) == 0
    assert complaints_of(app, visit.case_id) == []
    assert case_of(app, visit.case_id).needs_attention is False
    visit_page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    # Absent, or on the page but hidden until the technician arrives (a phone offline opens it then).
    assert re.search(r"<a [^>]*>Hand over for the customer", visit_page) is None or re.search(
        r"<a [^>]*data-when=\"on_site completed\" hidden>Hand over for the customer", visit_page)


def test_the_schema_allows_only_one_rating_per_visit(app, make):
    visit = make.visit(make.user(Role.TECHNICIAN), status=VisitStatus.ON_SITE)
    scores = {aspect: 4 for aspect in ASPECTS}
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, source=RatingSource.ON_SITE, **scores))
        db.session.commit()
        db.session.add(Rating(visit_id=visit.id, source=RatingSource.QR, **scores))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_another_technicians_handover_is_not_found(app, client, auth, make):
    auth.as_role(Role.TECHNICIAN)
    visit = on_site_visit(make, make.user(Role.TECHNICIAN))

    assert client.get(f"/visits/{visit.id}/handover/").status_code == 404
    assert client.post(f"/visits/{visit.id}/handover/", data=rating_data()).status_code == 404
    assert rating_count(app) == 0


def test_a_dispatcher_cannot_open_or_submit_the_handover(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    visit = on_site_visit(make, make.user(Role.TECHNICIAN))

    assert client.get(f"/visits/{visit.id}/handover/").status_code == 403
    assert client.post(f"/visits/{visit.id}/handover/", data=rating_data()).status_code == 403
    assert rating_count(app) == 0
