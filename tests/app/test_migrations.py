"""Migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect, text

from fieldapp.extensions import db
from fieldapp.models import search
from tests.conftest import recreate_pg_schema, schema_dirty


def _empty_database():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            recreate_pg_schema(conn)
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    schema_dirty()


def test_upgrade_on_an_empty_database_matches_the_models(app):
    with app.app_context():
        _empty_database()
        assert inspect(db.engine).get_table_names() == []

        upgrade()

        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": lambda name, *_: not search.is_schema_object(name)})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        assert {name for name in tables if not search.is_schema_object(name)} == set(db.metadata.tables) | {
            "alembic_version"}
        # Alembic's comparison skips CHECK constraints: compare their names directly.
        for table in db.metadata.sorted_tables:
            expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            assert {c["name"] for c in inspector.get_check_constraints(table.name)} == expected, table.name


def test_downgrade_to_base_removes_every_table(app):
    with app.app_context():
        _empty_database()
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_the_lifecycle_migration_keeps_existing_cases_and_their_flags(app):
    """0005 renames old statuses, turns the attention flag into an item, starts each timeline."""
    with app.app_context():
        _empty_database()
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, name, created_at) VALUES (1, 'C', '2026-01-01 10:00:00')"))
            for n, (status, attention, reason) in enumerate([("visit_scheduled", False, None),
                                                             ("follow_up", True, "Rated 1/5"),
                                                             ("new", False, None)], start=1):
                conn.execute(text(
                    "INSERT INTO cases (id, number, customer_id, channel, case_type, description, priority, status,"
                    " needs_attention, attention_reason, created_at) VALUES (:id, :number, 1, 'phone', 'repair',"
                    " 'x', 'normal', :status, :attention, :reason, '2026-01-02 09:00:00')"),
                    {"id": n, "number": f"C-2026-{n:05d}", "status": status, "attention": attention, "reason": reason})

        upgrade()

        with db.engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM cases ORDER BY id")).all())
            items = conn.execute(text("SELECT case_id, reason, cleared_at FROM attention_items")).all()
            events = conn.execute(text("SELECT case_id, kind, to_status FROM case_events ORDER BY case_id")).all()
        assert statuses == {1: "scheduled", 2: "visit_needed", 3: "new"}
        assert [tuple(i) for i in items] == [(2, "Rated 1/5", None)]
        assert [tuple(e) for e in events] == [(1, "opened", "scheduled"), (2, "opened", "visit_needed"),
                                              (3, "opened", "new")]


def test_the_search_migration_indexes_the_customers_already_there(app):
    """0010 fills search_text for existing customers and builds the trigram index over them."""
    from fieldapp.services import customers

    with app.app_context():
        _empty_database()
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, name, phone, address, created_at) VALUES "
                              "(1, 'Anna de Vries', '+31 6 1234 5678', 'Dorpsstraat 12\n1234 AB Ergenshuizen',"
                              " '2026-01-01 10:00:00'), (2, 'Bert Jansen', NULL, NULL, '2026-01-01 10:00:00')"))

        upgrade()

        assert [c.name for c in customers.pick("de vries")] == ["Anna de Vries"]
        assert [c.name for c in customers.pick("1234ab")] == ["Anna de Vries"]
        assert [c.name for c in customers.pick("0612345678")] == ["Anna de Vries"]
        assert [c.name for c in customers.pick("jansen")] == ["Bert Jansen"]
        db.session.remove()
