"""Migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect, text

from fieldapp.extensions import db
from tests.conftest import schema_dirty


def _empty_database():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
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
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        inspector = inspect(db.engine)
        assert set(inspector.get_table_names()) == set(db.metadata.tables) | {"alembic_version"}
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
