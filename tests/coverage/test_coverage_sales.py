"""Selling extended warranties and service contracts: the plans, a sale on a product (overlap
refused), and the renewal calls listed before coverage ends."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fieldapp.dates import add_months
from fieldapp.extensions import db
from fieldapp.models import Asset, Coverage, CoverageKind, CoveragePlan, RenewalOutcome, Role


def _coverages(app, asset):
    with app.app_context():
        return db.session.scalars(select(Coverage).where(Coverage.asset_id == asset.id)
                                  .order_by(Coverage.starts_on, Coverage.id)).all()


def test_a_dispatcher_sells_a_plan_with_its_terms(app, client, auth, make):
    seller = auth.as_role(Role.DISPATCHER)
    asset = make.asset()  # standard warranty: sale + 730 days
    plan = make.coverage_plan(name="Extended warranty 2 years", kind="extended_warranty", months=24,
                              price_cents=19900, covers_labour=False, maintenance_visits_per_year=0,
                              terms="Parts only.")
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Sell a warranty or contract" in page and "Extended warranty 2 years · 24 months" in page

    response = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "0b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan.id), "starts_on": "", "price": "",
        "reference": "EW-123"})

    assert response.status_code == 303
    standard, sold = _coverages(app, asset)
    assert sold.starts_on == standard.ends_on + timedelta(days=1)  # the day after the warranty ends
    assert sold.ends_on == add_months(sold.starts_on, 24) - timedelta(days=1)
    assert (sold.kind, sold.plan_id, sold.price_cents, sold.reference, sold.sold_by_id) == (
        CoverageKind.EXTENDED_WARRANTY, plan.id, 19900, "EW-123", seller.id)
    assert (sold.covers_parts, sold.covers_labour, sold.terms) == (True, False, "Parts only.")
    assert sold.sold_at is not None


def test_a_contract_sold_from_today_at_another_price_and_visits_still_use_the_one_rule(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()
    asset = make.asset()
    plan = make.coverage_plan(name="Premium care", maintenance_visits_per_year=2, response_hours=4,
                              resolution_hours=24, covers_transport=True)

    response = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "1b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan.id),
        "starts_on": today.isoformat(), "price": "€ 99,50", "reference": ""})

    assert response.status_code == 303
    sold = _coverages(app, asset)[-1]
    assert (sold.kind, sold.starts_on, sold.price_cents) == (CoverageKind.SERVICE_CONTRACT, today, 9950)
    assert (sold.maintenance_visits_per_year, sold.response_hours, sold.resolution_hours) == (2, 4, 24)
    with app.app_context():  # a contract wins over the warranty, as before
        assert db.session.get(Asset, asset.id).coverage_on(today).kind is CoverageKind.SERVICE_CONTRACT


def test_overlapping_coverage_of_the_same_kind_is_refused(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()
    asset = make.asset()
    make.coverage(asset, starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=20))
    plan = make.coverage_plan()

    response = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "2b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan.id),
        "starts_on": today.isoformat(), "price": "", "reference": "SC-9"})

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "already has a service contract" in body
    assert f"Start it on {today + timedelta(days=21):%-d %b %Y} or later." in body
    assert 'value="SC-9"' in body
    assert len(_coverages(app, asset)) == 2


def test_a_bad_price_is_refused_and_what_was_typed_stays(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    asset = make.asset()
    plan = make.coverage_plan()

    response = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "3b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan.id), "starts_on": "",
        "price": "12.345", "reference": "SC-1"})

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "at most two decimals" in body and 'value="12.345"' in body and 'value="SC-1"' in body
    assert len(_coverages(app, asset)) == 1


def test_plans_are_managed_by_admins_and_a_retired_plan_is_not_sold(app, client, auth, make):
    auth.as_role(Role.ADMIN)
    form = {"name": "Care contract", "kind": "service_contract", "months": "12", "price": "149",
            "covers_parts": "y", "covers_labour": "y", "maintenance_visits_per_year": "1", "response_hours": "",
            "resolution_hours": "", "terms": "Yearly maintenance."}
    assert client.post("/coverage/plans/new", data=form).status_code == 303
    again = client.post("/coverage/plans/new", data={**form, "name": "care CONTRACT"})
    assert again.status_code == 422 and "Another plan already has this name." in again.get_data(as_text=True)
    with app.app_context():
        plan = db.session.scalar(select(CoveragePlan))
        assert (plan.price_cents, plan.maintenance_visits_per_year, plan.covers_transport) == (14900, 1, False)
        plan_id = plan.id
    assert client.post(f"/coverage/plans/{plan_id}/deactivate").status_code == 303

    asset = make.asset()
    response = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "4b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan_id), "starts_on": "", "price": ""})
    assert response.status_code == 422
    assert len(_coverages(app, asset)) == 1

    auth.logout()
    auth.as_role(Role.DISPATCHER)
    assert "An admin manages the plans" in client.get("/coverage/plans").get_data(as_text=True)
    assert client.post("/coverage/plans/new", data=form).status_code == 403


def test_renewals_list_coverage_ending_within_the_notice_and_just_ended_without_a_call(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()

    def ending(days, **kw):
        asset = make.asset(warranty=False)
        return make.coverage(asset, starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=days),
                             reference=f"REF{days:+d}{'-called' if kw else ''}", **kw)

    listed = [ending(30), ending(0), ending(-7), ending(5, renewal_outcome=RenewalOutcome.DECLINED)]
    hidden = [ending(31), ending(-8), ending(-3, renewal_outcome=RenewalOutcome.NO_ANSWER)]

    page = client.get("/coverage/renewals").get_data(as_text=True)

    for coverage in listed:
        assert coverage.reference in page
    for coverage in hidden:
        assert coverage.reference not in page
    assert page.index("REF-7") < page.index("REF+0") < page.index("REF+5") < page.index("REF+30")  # soonest first


def test_recording_a_renewal_call(app, client, auth, make):
    auth.as_role(Role.DISPATCHER)
    today = make.today()
    asset = make.asset(warranty=False)
    plan = make.coverage_plan()
    coverage = make.coverage(asset, starts_on=today - timedelta(days=340), ends_on=today + timedelta(days=24),
                             plan_id=plan.id)

    assert client.post(f"/coverage/renewals/{coverage.id}/call", data={"outcome": "maybe"}).status_code == 422
    declined = client.post(f"/coverage/renewals/{coverage.id}/call",
                           data={"outcome": "no_answer", "note": "Voicemail"}, follow_redirects=True)
    assert "Called" in declined.get_data(as_text=True) and "No answer, call again" in declined.get_data(as_text=True)

    renewed = client.post(f"/coverage/renewals/{coverage.id}/call", data={"outcome": "renewed", "note": ""})
    assert renewed.status_code == 303 and renewed.headers["Location"].endswith(f"/a/{asset.qr_token}#sell-plan")
    with app.app_context():
        row = db.session.get(Coverage, coverage.id)
        assert (row.renewal_outcome, row.renewal_note, row.renewal_contacted_at is not None) == (
            RenewalOutcome.RENEWED, None, True)

    # Selling the follow-up: the default start is the day after, the plan the one last sold.
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert f'<option selected value="{plan.id}">' in page
    sold = client.post(f"/assets/{asset.id}/coverage/sell", data={
        "client_id": "5b6f1c39-3f5c-4c8e-9a55-0f5a3b1e2d11", "plan_id": str(plan.id), "starts_on": "", "price": ""})
    assert sold.status_code == 303
    assert _coverages(app, asset)[-1].starts_on == today + timedelta(days=25)
