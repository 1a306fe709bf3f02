from datetime import timedelta

from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, Coverage, CoverageKind, Customer, Part, ProductModel, Rating, Role, ServiceAgreement, User, Visit,
    VisitStatus,
)
from fieldapp.services import field_team


def _row_counts():
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar()
            for table in db.metadata.sorted_tables}


def test_seed_demo_twice_changes_nothing_the_second_time(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    with app.app_context():
        after_first = _row_counts()

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0
    assert "nothing changed" in second.output
    with app.app_context():
        assert _row_counts() == after_first


def test_seed_demo_builds_a_realistic_company(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        roles = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
        assert dict(roles) == {Role.ADMIN: 1, Role.DISPATCHER: 2, Role.TECHNICIAN: 3}  # one dispatcher in German
        assert db.session.scalar(select(func.count(Customer.id))) == 40
        assert db.session.scalar(select(func.count(ProductModel.id))) == 10
        assert db.session.scalar(select(func.count(Asset.id))) == 80
        assert db.session.scalar(select(func.count(Part.id))) >= 20
        assert db.session.scalar(select(func.count(Rating.id))) >= 10
        kinds = set(db.session.scalars(select(Coverage.kind)))
        # Every kind a product's coverage can be; a service agreement is sold to a customer instead.
        assert kinds == set(CoverageKind) - {CoverageKind.SERVICE_AGREEMENT}
        assert db.session.scalar(select(func.count(ServiceAgreement.id))) >= 1
        assert db.session.scalar(select(func.count(Case.id)).where(Case.closed_on.is_not(None))) >= 10
        assert db.session.scalar(select(func.count(Case.id)).where(Case.needs_attention)) >= 1

        today = clock.today()
        for tech in field_team.technicians():
            yesterday = field_team.technician_day(tech, today - timedelta(days=1))
            assert yesterday and all(v.status is VisitStatus.COMPLETED for v in yesterday)
            assert len(field_team.technician_day(tech, today)) >= 3
            assert field_team.technician_day(tech, today + timedelta(days=1))
        # every product model has care tips and a manual for customers
        for model in db.session.scalars(select(ProductModel)):
            assert model.care_tip_list and model.resources


def test_the_demo_dates_no_case_or_visit_before_the_product_was_sold(new_app):
    app = new_app(template="demo")  # what seed-demo loads, built once for the suite
    with app.app_context():
        tz = app.config["TZ"]
        cases = db.session.scalars(select(Case).where(Case.asset_id.is_not(None))).all()
        assert cases
        for case in cases:
            sold = case.asset.sales_date
            assert case.created_at.astimezone(tz).date() >= sold, (case.number, sold)
            for visit in case.visits:
                assert visit.scheduled_start.astimezone(tz).date() >= sold, (case.number, sold)
        for coverage in db.session.scalars(select(Coverage)):
            assert coverage.starts_on >= coverage.asset.sales_date, coverage.reference


def test_demo_accounts_sign_in_with_the_documented_password(new_app):
    client = new_app(template="demo").test_client()
    for email in ("admin@demo.test", "dispatcher@demo.test", "tech@demo.test", "tech2@demo.test"):
        response = client.post("/login", data={"email": email, "password": "fieldapp-demo"})
        assert response.status_code == 303, email
        client.post("/logout")


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, make):
    make.user(Role.ADMIN, email="boss@example.com")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1
        assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-user", "--email", "New.Tech@Example.com", "--name", "New Tech", "--role", "technician"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.tech@example.com"))
        assert user.role is Role.TECHNICIAN and user.check_password("a-long-password")


def test_create_user_refuses_duplicates_and_short_passwords(app, runner, make):
    make.user(Role.ADMIN, email="taken@example.com")
    duplicate = runner.invoke(args=["create-user", "--email", "taken@example.com", "--name", "X",
                                    "--role", "admin", "--password", "long-enough-pw"])
    short = runner.invoke(args=["create-user", "--email", "new@example.com", "--name", "X",
                                "--role", "admin", "--password", "short"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    assert short.exit_code != 0 and "at least 10" in short.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_prune_writes_forgets_only_old_write_ids(app, runner, make):
    from fieldapp.models import AppliedWrite
    from fieldapp.orm import utcnow

    user = make.user()
    with app.app_context():
        db.session.add_all([
            AppliedWrite(client_id="00000000-0000-4000-8000-000000000001", action="x", user_id=user.id,
                         at=utcnow() - timedelta(days=40)),
            AppliedWrite(client_id="00000000-0000-4000-8000-000000000002", action="x", user_id=user.id),
        ])
        db.session.commit()
    result = runner.invoke(args=["prune-writes", "--days", "30"])
    assert result.exit_code == 0 and "Forgot 1 write id(s)" in result.output
    with app.app_context():
        assert db.session.scalars(select(AppliedWrite.client_id)).all() == ["00000000-0000-4000-8000-000000000002"]
    assert runner.invoke(args=["prune-writes", "--days", "0"]).exit_code != 0
