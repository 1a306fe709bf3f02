"""Alembic environment for FieldApp (Flask-Migrate)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

from fieldapp.models import search

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Write app-level column types (UTCDateTime) as the plain SQL type they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def skip_empty_revisions(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def include_name(name, type_, parent_names):
    """Leave the customer search index's own tables and index to migration 0010."""
    return not search.is_schema_object(name)


def run_migrations_online():
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_revisions)
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("include_name", include_name)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds tables; with foreign keys on, dropping the old copy would
            # cascade deletes into child tables. Off for the migration, checked afterwards.
            _outside_transaction(connection, "PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            problems = _outside_transaction(connection, "PRAGMA foreign_key_check")
            _outside_transaction(connection, "PRAGMA foreign_keys=ON")
            if problems:
                raise RuntimeError(f"foreign key violations after migration: {problems[:5]}")


def _outside_transaction(connection, sql):
    """Run on the driver connection: SQLite ignores this pragma inside a transaction."""
    cursor = connection.connection.driver_connection.execute(sql)
    rows = cursor.fetchall()
    cursor.close()
    return rows


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
