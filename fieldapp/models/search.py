"""An index for finding customers by any part of their name, email, address or phone.

Each customer keeps `search_text`: the lower-cased name and email, the address without spaces
and the phone's digits, one per line, written here whenever a customer is saved. It is indexed
by trigrams, so "vries", "@acme" or "5678" is found through the index, not by reading every
customer:
- SQLite: an FTS5 table with the trigram tokenizer over that column (external content: it
  holds the index, not a copy), kept in step by triggers, so bulk inserts are indexed too.
- PostgreSQL: a GIN index with pg_trgm's operator class, which serves `LIKE '%…%'` directly.
  pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.

The same DDL runs from `create_all` (tests, fresh installs) and from migration 0010. A SQLite
migration that rebuilds `customers` in batch mode drops the triggers with the old table: it must
call `create_sqlite_index` again.
"""
from __future__ import annotations

from sqlalchemy import event, text

FTS_TABLE = "customer_search"
PG_INDEX = "ix_customers_search_text_trgm"
TRIGGERS = ("customer_search_insert", "customer_search_delete", "customer_search_update")


def phone_digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isascii() and ch.isdigit())


def search_text(name: str | None, email: str | None, address: str | None, phone: str | None) -> str:
    return "\n".join(((name or "").lower(), (email or "").lower(), "".join((address or "").split()).lower(),
                      phone_digits(phone)))


def is_schema_object(name: str | None) -> bool:
    """The index's own tables and index, which the models do not describe (for Alembic)."""
    return bool(name) and (name == PG_INDEX or name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


def create_sqlite_index(connection) -> None:
    connection.execute(text(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "search_text, content='customers', content_rowid='id', tokenize='trigram')"))
    add = f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    remove = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    insert, delete, update = TRIGGERS
    connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON customers BEGIN {add} END"))
    connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON customers BEGIN {remove} END"))
    connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE OF search_text ON customers "
                            f"BEGIN {remove} {add} END"))
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


def drop_sqlite_index(connection) -> None:
    for trigger in TRIGGERS:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def create_pg_index(connection) -> None:
    schema = _pg_trgm_schema(connection)
    connection.execute(text(f'CREATE INDEX IF NOT EXISTS {PG_INDEX} ON customers '
                            f'USING gin (search_text "{schema}".gin_trgm_ops)'))


def _pg_trgm_schema(connection) -> str:
    """Where pg_trgm lives, creating it in `public` if it is not there yet. Two connections may
    try at once (parallel test workers): the loser's savepoint is rolled back and it looks again."""
    find = text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    schema = connection.scalar(find)
    if schema is None:
        savepoint = connection.begin_nested()
        try:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            savepoint.commit()
        except Exception:  # noqa: BLE001 - a concurrent CREATE EXTENSION won the race
            savepoint.rollback()
        schema = connection.scalar(find)
    if schema is None:
        raise RuntimeError("Customer search needs PostgreSQL's pg_trgm extension, and this database user may not "
                           "create it: run `CREATE EXTENSION pg_trgm;` in the database as its owner or a superuser, "
                           "then migrate again.")
    return schema.strip('"')


def install(customers_table, customer_class) -> None:
    """Keep `search_text` written on every save, and build the index with the table."""

    @event.listens_for(customer_class, "before_insert")
    @event.listens_for(customer_class, "before_update")
    def _write(mapper, connection, customer) -> None:
        customer.search_text = search_text(customer.name, customer.email, customer.address, customer.phone)

    @event.listens_for(customers_table, "after_create")
    def _create(table, connection, **kw) -> None:
        if connection.dialect.name == "sqlite":
            create_sqlite_index(connection)
        elif connection.dialect.name == "postgresql":
            create_pg_index(connection)

    @event.listens_for(customers_table, "before_drop")
    def _drop(table, connection, **kw) -> None:
        if connection.dialect.name == "sqlite":
            drop_sqlite_index(connection)
