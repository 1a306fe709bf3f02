"""The demo company obeys the app's own rules: what every newcomer and every screenshot sees must
never contradict what the app would do. Each test is one rule over the WHOLE demo, asserting the
list of rows that break it is empty (so a failure names them all)."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Date, func, select

from fieldapp import clock, demo
from fieldapp.extensions import db
from fieldapp.models import (
    Case, CaseStatus, CaseType, Complaint, ComplaintSource, CoverageKind, Customer, FollowUp, Payment,
    PaymentMethod, PaymentState, PaymentStatus, ProductModel, Rating, RatingSource, Recommendation,
    RecommendationStatus, RemoteSupportOutcome, RemoteSupportSession, Role, ServiceType, User, Visit, VisitPart,
    VisitStatus,
)
from fieldapp.orm import UTCDateTime, utcnow
from fieldapp.services import costs, lifecycle, payments
from fieldapp.services.ratings import COMPLAINT_SOURCES
from fieldapp.values import is_sensible_date
from tests.conftest import RAM_DIR, make_app

RATING_COMPLAINTS = set(COMPLAINT_SOURCES.values())
# The case type each visit's kind of service belongs to, where it is not a repair.
CASE_OF_SERVICE = {ServiceType.MAINTENANCE: CaseType.MAINTENANCE, ServiceType.INSTALLATION: CaseType.INSTALLATION}
SERVICES_OF_CASE = {CaseType.MAINTENANCE: {ServiceType.MAINTENANCE},
                    CaseType.INSTALLATION: {ServiceType.INSTALLATION, ServiceType.UPGRADE}}
# Columns that record something that has happened: never after the moment the demo was loaded.
HAPPENED = {"at", "created_at", "raised_at", "cleared_at", "received_at", "resolved_at", "first_response_at",
            "done_at", "updated_at", "sold_at", "renewal_contacted_at", "travel_started_at", "arrived_at",
            "completed_at", "closed_on", "invoiced_on", "paid_on", "requested_on", "sales_date"}


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """The demo company, loaded once for the module (from the suite's template), in one app context."""
    app = make_app(tmp_path_factory.mktemp("demo-consistency"), template="demo")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
        database = db.engine.url.database
    if database and RAM_DIR and database.startswith(RAM_DIR):
        shutil.rmtree(Path(database).parent, ignore_errors=True)


def _all(model, *order):
    return db.session.scalars(select(model).order_by(*(order or (model.id,)))).all()


def _completed() -> list[Visit]:
    return db.session.scalars(select(Visit).where(Visit.status == VisitStatus.COMPLETED).order_by(Visit.id)).all()


def _name(visit: Visit) -> str:
    return f"visit {visit.id} of {visit.case.number}"


def test_a_completed_visit_stores_the_totals_and_payment_status_its_costs_give(company):
    """What completing a visit stores (costs.store_totals) is what its costs are (costs.breakdown), and
    its payment status is what completing settles (costs.settled_payment_status), or Paid once its
    payment record is paid in full."""
    wrong = []
    for visit in _completed():
        bill = costs.breakdown(visit)
        stored = (visit.total_cents, visit.covered_cents, visit.billable_cents, visit.labour_cents, visit.parts_cents)
        computed = (bill.total_cents, bill.covered_cents, bill.billable_cents,
                    sum(line.amount_cents for line in bill.lines if line.kind == "labour"),
                    sum(line.amount_cents for line in bill.lines if line.kind == "part"))
        paid = visit.payment is not None and visit.payment.state is PaymentState.PAID
        status = PaymentStatus.PAID if paid else costs.settled_payment_status(visit)
        if stored != computed or visit.payment_status is not status:
            wrong.append((_name(visit), stored, computed, visit.payment_status, status))
    assert wrong == []


def test_covered_is_never_shown_with_an_amount_to_pay(company):
    """The coverage on the visit's day decides what is covered: parts are covered exactly when it
    covers parts, and "Covered by warranty/contract" is only said of a visit with nothing billable,
    by the kind of coverage that covered it."""
    wrong = []
    for visit in _completed():
        cover = costs.coverage_for(visit)
        parts = [row.part.sku for row in visit.parts if row.covered != bool(cover and cover.covers_parts)]
        said = {PaymentStatus.COVERED_WARRANTY: cover is not None and not cover.kind.is_contract,
                PaymentStatus.COVERED_CONTRACT: cover is not None and cover.kind.is_contract}
        if parts or (visit.payment_status in said and (visit.billable_cents or not said[visit.payment_status])):
            wrong.append((_name(visit), parts, visit.payment_status, visit.billable_cents,
                          cover.kind if cover else None))
    assert wrong == []


def test_every_billable_visit_has_its_payment_record(company):
    """As payments.bill makes it: for the billable amount, paid no more than is due, its state what
    payments.state_of says, paid on the record exactly when paid on the visit, dated between the
    visit and today; and nothing billable, no record."""
    today = clock.today()
    wrong = []
    for visit in _completed():
        payment, day = visit.payment, clock.local_day(visit.completed_at)
        if not visit.billable_cents:
            if payment is not None:
                wrong.append((_name(visit), "a payment for nothing billable"))
            continue
        if payment is None:
            wrong.append((_name(visit), "no payment record"))
            continue
        problems = [
            payment.amount_due_cents != visit.billable_cents and "amount due is not the billable amount",
            not 0 <= payment.paid_cents <= payment.amount_due_cents and "paid more than is due",
            payment.state is not payments.state_of(payment) and "state does not follow from what is recorded",
            (payment.state is PaymentState.PAID) != (visit.payment_status is PaymentStatus.PAID)
            and "paid on the record but not on the visit, or the other way round",
            bool(payment.paid_cents) != bool(payment.paid_on and payment.method) and "a payment without day or way",
            any(d and not day <= d <= today for d in (payment.invoiced_on, payment.paid_on))
            and "invoiced or paid before the visit or after today",
            payment.invoiced_on and payment.paid_on and payment.paid_on < payment.invoiced_on
            and payment.method is not PaymentMethod.ON_SITE and "paid before it was invoiced",
        ]
        wrong += [(_name(visit), problem) for problem in problems if problem]
    orphans = db.session.scalars(select(Payment.id).join(Payment.visit).where(Visit.status != VisitStatus.COMPLETED))
    assert wrong == [] and list(orphans) == []


def test_every_part_fitted_fits_the_product(company):
    """Parts have no category: the demo catalog's SKU prefixes say which model a part is for."""
    wrong = []
    for row in _all(VisitPart):
        model = row.visit.case.asset.product_model
        if not demo.part_fits(row.part.sku, model.model_number) or (row.repaired and row.replacement_serial):
            wrong.append((_name(row.visit), row.part.sku, model.model_number, row.repaired))
    assert wrong == []


def test_a_visit_belongs_to_a_case_of_its_kind(company):
    """A maintenance visit is on a maintenance case (of a product that is maintained), an
    installation on an installation case, warranty service under a warranty; and the reverse."""
    wrong = []
    for visit in _all(Visit):
        case = visit.case
        expected = CASE_OF_SERVICE.get(visit.service_type)
        if expected is not None and case.case_type is not expected:
            wrong.append((_name(visit), visit.service_type, case.case_type, case.description))
        if case.case_type in SERVICES_OF_CASE and visit.service_type not in SERVICES_OF_CASE[case.case_type]:
            wrong.append((_name(visit), visit.service_type, case.case_type, case.description))
        cover = costs.coverage_for(visit)
        if visit.service_type is ServiceType.WARRANTY_SERVICE and (cover is None or cover.kind.is_contract):
            wrong.append((_name(visit), "warranty service without a warranty"))
    for case in db.session.scalars(select(Case).where(Case.case_type == CaseType.MAINTENANCE)):
        maintained = case.asset is not None and (case.asset.product_model.maintenance_interval_months or any(
            c.maintenance_visits_per_year for c in case.asset.coverages))
        if not maintained:
            wrong.append((case.number, "maintenance of a product that needs none"))
    assert wrong == []


def test_technicians_work_on_products_they_are_qualified_for(company):
    """Every visit's technician has the skill of its product's category (what booking lists first)."""
    wrong = [(_name(v), v.technician.email, v.case.asset.product_model.category) for v in _all(Visit)
             if v.case.asset.product_model.category not in {s.category for s in v.technician.skills}]
    assert wrong == []


def test_case_statuses_follow_the_lifecycle_and_their_visits(company):
    """Every status change on a timeline is a step of lifecycle.TRANSITIONS, from where the last one
    left the case, ending at its status; a case whose last change came from a visit has the status
    its visits give (lifecycle.status_from_visits), as does any case with a visit planned or under
    way; resolved cases say when; the attention flag is true to the open items."""
    wrong = []
    for case in _all(Case):
        changes = [e for e in case.events if e.to_status is not None]
        steps = list(zip([None, *changes], changes))
        if not changes or changes[0].kind != "opened":
            wrong.append((case.number, "no opening on the timeline"))
            continue
        for before, after in steps[1:]:
            allowed = lifecycle.TRANSITIONS[before.to_status]
            if after.from_status is not before.to_status or after.to_status not in allowed:
                wrong.append((case.number, after.kind, before.to_status, after.from_status, after.to_status))
        if changes[-1].to_status is not case.status:
            wrong.append((case.number, "status is not where the timeline left it", case.status))
        from_visits = lifecycle.status_from_visits(case.visits) if case.visits else None
        if (changes[-1].kind.startswith("visit_") or case.status in (CaseStatus.SCHEDULED, CaseStatus.IN_PROGRESS)) \
                and case.status is not from_visits:
            wrong.append((case.number, "status is not what its visits say", case.status, from_visits))
        done = case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
        if done != (case.resolved_at is not None) or (case.status is CaseStatus.CLOSED) != (case.closed_on is not None):
            wrong.append((case.number, case.status, case.resolved_at, case.closed_on))
        if case.needs_attention != any(item.cleared_at is None for item in case.attention_items):
            wrong.append((case.number, "attention flag", case.needs_attention))
    assert wrong == []


def test_complaints_agree_with_where_they_came_from_and_how_they_ended(company):
    """A complaint from a rating has the source of that rating (services.ratings.COMPLAINT_SOURCES)
    and every rating's complaint is on its case; a resolved complaint has an owner, who resolved it,
    what was done, the customer's answer, and its attention item cleared; an open one keeps its item
    open (the queue shows why the case needs attention)."""
    wrong = []
    for complaint in _all(Complaint):
        if complaint.source in RATING_COMPLAINTS:
            rating = db.session.scalar(select(Rating).where(
                Rating.case_id == complaint.case_id, Rating.complaint == complaint.description,
                Rating.visit_id.is_(None) if complaint.visit_id is None else Rating.visit_id == complaint.visit_id))
            if rating is None or COMPLAINT_SOURCES[rating.source] is not complaint.source:
                wrong.append((complaint.id, complaint.case.number, complaint.source, rating and rating.source))
        item = complaint.attention_item
        if complaint.resolved_at is not None:
            if not (complaint.owner and complaint.resolved_by and complaint.resolution and complaint.customer_response
                    and complaint.resolved_at >= complaint.received_at and (item is None or item.cleared_at)):
                wrong.append((complaint.id, complaint.case.number, "resolved by nobody, or half"))
        elif item is None or item.cleared_at is not None:
            wrong.append((complaint.id, complaint.case.number, "open, without an open attention item"))
    for rating in db.session.scalars(select(Rating).where(Rating.complaint.is_not(None))):
        if not db.session.scalar(select(func.count(Complaint.id)).where(
                Complaint.case_id == rating.case_id, Complaint.description == rating.complaint,
                Complaint.source == COMPLAINT_SOURCES[rating.source])):
            wrong.append((rating.id, "a rating's complaint that is not on its case"))
    assert wrong == []


def test_ratings_rate_what_was_done(company):
    """A visit's rating follows its completion, on its case; a rating without a visit is of a case
    resolved or closed without a completed visit; the office's ratings say who took them."""
    wrong = []
    for rating in _all(Rating):
        visit = rating.visit
        if visit is None:
            done = [v for v in rating.case.visits if v.status is VisitStatus.COMPLETED]
            if done or rating.case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
                wrong.append((rating.id, rating.case.number, "case rating of a case not solved without a visit"))
        elif (visit.status is not VisitStatus.COMPLETED or rating.case_id != visit.case_id
              or rating.created_at < visit.arrived_at):
            wrong.append((rating.id, _name(visit), visit.status))
        office = rating.taken_by is not None and rating.taken_by.role in (Role.DISPATCHER, Role.ADMIN)
        if (rating.source is RatingSource.OFFICE) != office:
            wrong.append((rating.id, rating.source, rating.taken_by_id))
    assert wrong == []


def test_every_date_is_sensible_and_in_order(company):
    """Every date and instant is one the app can compute with (values.is_sensible_date); what has
    happened did not happen after now; a visit is travelled to, arrived at and completed in that
    order, after it was booked and its case opened; a case's timeline reads in order."""
    now, today = utcnow() + timedelta(minutes=1), clock.today()
    wrong = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (Date, UTCDateTime))]
        for column in columns:
            for (value,) in db.session.execute(select(column).where(column.is_not(None))):
                day = value if isinstance(value, date) and not isinstance(value, datetime) else value.date()
                late = column.name in HAPPENED and (value > now if isinstance(value, datetime) else value > today)
                if not is_sensible_date(day) or late:
                    wrong.append((table.name, column.name, value))
    for visit in _all(Visit):
        steps = [visit.case.created_at, visit.created_at, visit.travel_started_at, visit.arrived_at,
                 visit.completed_at]
        known = [s for s in steps if s is not None]
        if known != sorted(known) or (visit.status is VisitStatus.COMPLETED and None in steps):
            wrong.append((_name(visit), steps))
    for case in _all(Case):
        moments = [e.at for e in case.events]
        if moments != sorted(moments):
            wrong.append((case.number, "timeline out of order",
                          [(e.kind, e.at) for e in case.events if e.at > min(moments[moments.index(e.at):])]))
    for customer in _all(Customer):
        first = min([c.created_at for c in db.session.scalars(select(Case).where(Case.customer_id == customer.id))]
                    + [clock.at_local(a.sales_date, 23) for a in customer.assets], default=now)
        if customer.created_at > first:
            wrong.append((customer.name, "a customer only since after their first purchase or request"))
    for follow_up in _all(FollowUp):
        if follow_up.done_at is not None and follow_up.done_at < follow_up.created_at:
            wrong.append(("follow-up", follow_up.id, follow_up.created_at, follow_up.done_at))
    assert wrong == []


def test_recommendations_are_where_their_status_says(company):
    """A follow-up planned for it, a case opened for it, or handled by nobody yet: as its status says."""
    wrong = []
    for rec in _all(Recommendation):
        status = rec.status
        ok = (rec.case_id == rec.visit.case_id
              and (status is RecommendationStatus.FOLLOW_UP) == (rec.follow_up_id is not None)
              and (status is RecommendationStatus.CASE_OPENED) == (rec.new_case_id is not None)
              and (status is RecommendationStatus.OPEN) == (rec.handled_by_id is None)
              and (rec.follow_up is None or rec.follow_up.case_id == rec.case_id))
        if not ok:
            wrong.append((rec.id, status, rec.follow_up_id, rec.new_case_id, rec.handled_by_id))
    assert wrong == []


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_shows_every_feature(company):
    """Each newer feature at least once, so a newcomer sees it: an agreement sold to a customer
    covering a visit, two kinds of service on a visit, a part repaired, ratings given every way
    (one of a case solved without a visit), staff job titles and phones, recommendations open and
    followed up, payments in every state, warranty terms and conditions, public specifications,
    remote support that solved a case, and a visit under every kind of coverage."""
    visits = _completed()
    covers = {cover.kind for cover in map(costs.coverage_for, visits) if cover is not None}
    sources = set(db.session.scalars(select(Rating.source)))
    staff, models = _all(User), _all(ProductModel)
    solved_remotely = db.session.scalars(select(RemoteSupportSession).where(
        RemoteSupportSession.outcome == RemoteSupportOutcome.SOLVED)).all()
    missing = [name for name, shown in [
        ("a service agreement of a customer, covering a visit", CoverageKind.SERVICE_AGREEMENT in covers),
        ("a visit under every kind of coverage", set(CoverageKind) <= covers),
        ("two kinds of service on one visit", any(len(v.service_types) > 1 for v in visits)),
        ("a part repaired, not replaced", _count(VisitPart, VisitPart.repaired)),
        ("ratings on site, by QR, by the office",
         {RatingSource.ON_SITE, RatingSource.QR, RatingSource.OFFICE} <= sources),
        ("a rating of a case solved without a visit", _count(Rating, Rating.visit_id.is_(None))),
        ("job titles and phones for all staff", all(u.job_title and u.phone for u in staff)),
        ("an open recommendation", _count(Recommendation, Recommendation.status == RecommendationStatus.OPEN)),
        ("a recommendation followed up",
         _count(Recommendation, Recommendation.status == RecommendationStatus.FOLLOW_UP)),
        ("payments to invoice, invoiced, partly paid and paid",
         set(PaymentState) <= set(db.session.scalars(select(Payment.state)))),
        ("warranty terms and conditions on every model",
         all(m.warranty_terms and m.warranty_conditions for m in models)),
        ("public specifications on some models",
         any(m.specifications_public for m in models) and not all(m.specifications_public for m in models)),
        ("remote support that solved a case without a visit",
         any(s.case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and not s.case.visits for s in solved_remotely)),
        ("a complaint from a QR rating", _count(Complaint, Complaint.source == ComplaintSource.QR_RATING)),
    ] if not shown]
    assert missing == []


def test_the_demo_is_the_same_every_time(new_app):
    """Loaded again, the demo tells the same story (what the seeded randomness chose)."""
    def story():
        return [(v.case.number, v.case.description, v.technician.email, v.service_type, v.status, v.total_cents,
                 v.billable_cents, v.payment_status, v.rating.source if v.rating else None) for v in _all(Visit)]

    with new_app().app_context():
        assert demo.load_demo()
        db.session.commit()
        loaded = story()
    with new_app(template="demo").app_context():
        assert story() == loaded
