"""A rating the customer gives the office on a call: for a completed visit, or for a case solved
without a visit; with its source on the report and on the dashboard."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Complaint, Rating, RatingSource, Role, VisitStatus
from tests.conftest import cid
from tests.reading import visible_text as _text

STARS = {"overall": "4", "timeliness": "5", "professionalism": "4", "quality": "4", "product_performance": "3"}


def test_a_case_solved_without_a_visit_is_rated_as_a_whole(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.RESOLVED, resolution_summary="Reset over the phone.")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Record the customer&#39;s rating" in page or "Record the customer's rating" in page
    assert "The case as a whole (solved without a visit)" in page

    response = client.post(f"/cases/{case.id}/rating", data={"client_id": cid(), "visit_id": "", **STARS,
                                                              "comments": "Quick and friendly on the phone."})
    assert response.status_code == 303
    with app.app_context():
        [rating] = db.session.scalars(select(Rating).where(Rating.case_id == case.id)).all()
        assert (rating.visit_id, rating.source, rating.overall) == (None, RatingSource.OFFICE, 4)
        assert rating.taken_by is not None

    report = _text(client.get(f"/cases/{case.id}/report").get_data(as_text=True))
    assert "Customer Rating 4/5 stars" in report
    assert "Customer Feedback Quick and friendly on the phone." in report
    assert "Taken by the office" in report

    # Once: the case no longer offers itself, and a second rating is refused.
    assert "The case as a whole" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    again = client.post(f"/cases/{case.id}/rating", data={"client_id": cid(), "visit_id": "", **STARS})
    assert again.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Rating.id).where(Rating.case_id == case.id, Rating.id != rating.id)) is None


def test_the_office_rates_a_completed_visit_and_a_low_score_with_a_complaint_is_followed_up(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.RESOLVED)
    done = datetime.now(timezone.utc) - timedelta(days=2)
    visit = make.visit(case=case, start=done, status=VisitStatus.COMPLETED, arrived_at=done, completed_at=done)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option value="{visit.id}">Visit of' in page
    assert "The case as a whole" not in page  # it had a visit: the visit is what is rated

    low = {**STARS, "overall": "1"}
    response = client.post(f"/cases/{case.id}/rating", data={"client_id": cid(), "visit_id": str(visit.id), **low,
                                                              "complaint": "Left the floor wet."})
    assert response.status_code == 303
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.visit_id == visit.id))
        assert (rating.source, rating.case_id) == (RatingSource.OFFICE, case.id)
        complaint = db.session.scalar(select(Complaint).where(Complaint.case_id == case.id))
        assert complaint.description == "Left the floor wet."
        assert complaint.source.label == "Rating taken by the office"
        assert db.session.get(Case, case.id).needs_attention
    assert "Rating taken by the office" in client.get("/complaints/").get_data(as_text=True)
    assert "Rated 1/5" in client.get("/complaints/?state=low_ratings").get_data(as_text=True)
    assert "Record the customer" not in client.get(f"/cases/{case.id}").get_data(as_text=True)  # nothing left to rate


def test_a_rating_without_stars_is_refused_at_the_field_with_what_was_typed_kept(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    case = make.case(status=CaseStatus.RESOLVED)
    response = client.post(f"/cases/{case.id}/rating", data={"client_id": cid(), "visit_id": "", "overall": "4",
                                                              "comments": "Said it was fine"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose 1 to 5 stars for timeliness." in html
    assert "Said it was fine" in html
    with app.app_context():
        assert db.session.scalar(select(Rating.id)) is None
    # Another case's visit is not this case's to rate.
    other = make.visit(case=make.case(), status=VisitStatus.COMPLETED, arrived_at=datetime.now(timezone.utc),
                       completed_at=datetime.now(timezone.utc))
    assert client.post(f"/cases/{case.id}/rating", data={"client_id": cid(), "visit_id": str(other.id), **STARS}).status_code == 422


def test_the_dashboard_counts_ratings_by_how_they_were_given(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    solved = make.case(status=CaseStatus.RESOLVED)
    client.post(f"/cases/{solved.id}/rating", data={"client_id": cid(), "visit_id": "", **STARS})
    done = datetime.now(timezone.utc) - timedelta(days=1)
    for source, score in ((RatingSource.ON_SITE, 5), (RatingSource.QR, 2), (RatingSource.ON_SITE, 3)):
        visit = make.visit(status=VisitStatus.COMPLETED, start=done, arrived_at=done, completed_at=done)
        with app.app_context():
            db.session.add(Rating(visit_id=visit.id, source=source, overall=score, timeliness=3, professionalism=3,
                                  quality=3, product_performance=3))
            db.session.commit()
    html = _text(client.get("/dashboard/?period=last_30_days&fresh=1").get_data(as_text=True))
    section = html.split("How ratings were given", 1)[1].split("Satisfaction per technician", 1)[0]
    assert "On site 4.0 2" in section
    assert "QR code 2.0 1" in section
    assert "Taken by the office 4.0 1" in section
