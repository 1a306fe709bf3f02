"""Customer search goes through a trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) and the
index follows every change: a new customer, an edit, a removal, rows loaded in bulk."""
import re

from sqlalchemy import select, text

from fieldapp.extensions import db
from fieldapp.models import Customer, search
from fieldapp.services import customers


def found(app, query: str) -> list[str]:
    with app.app_context():
        return [customer.name for customer in customers.pick(query)]


def test_a_customer_is_found_by_any_part_of_name_email_address_or_phone(app, make):
    make.customer(name="Anna de Vries", phone="+31 6 1234 5678", email="anna@tulp.nl",
                  address="Dorpsstraat 12\n1234 AB Ergenshuizen")
    make.customer(name="Bert Jansen", phone="020 555 0101", email="bert@example.org", address="Kerkstraat 1")

    for query in ("vries", "NNA DE", "tulp.nl", "1234ab", "gensh", "612345678", "0612345678"):
        assert found(app, query) == ["Anna de Vries"], query
    assert found(app, "straat") == ["Anna de Vries", "Bert Jansen"]
    assert found(app, "xyz") == []


def test_an_edited_customer_is_found_by_the_new_name_only(app, client, dispatcher, make):
    customer = make.customer(name="Anna de Vries", phone=None, email=None, address=None)
    response = client.post(f"/customers/{customer.id}/edit", data={
        "name": "Anna Bakker", "phone": "", "email": "", "address": "Molenweg 3", "notes": ""})
    assert response.status_code in (200, 303)

    assert found(app, "bakker") == ["Anna Bakker"]
    assert found(app, "molenweg") == ["Anna Bakker"]
    assert found(app, "vries") == []


def test_a_removed_customer_leaves_the_index(app, make):
    kept = make.customer(name="Carla Smit")
    gone = make.customer(name="Carla Smits")
    with app.app_context():
        db.session.delete(db.session.get(Customer, gone.id))
        db.session.commit()
    assert found(app, "carla") == [kept.name]


def test_customers_inserted_without_the_app_are_found_by_their_search_text(app):
    """Bulk loads (the benchmark's company, an import) write rows directly: the index follows."""
    with app.app_context():
        db.session.execute(text("INSERT INTO customers (name, search_text, created_at) "
                                "VALUES ('Dirk Visser', :text, CURRENT_TIMESTAMP)"),
                           {"text": search.search_text("Dirk Visser", None, None, None)})
        db.session.commit()
    assert found(app, "visser") == ["Dirk Visser"]


def test_quotes_and_wildcards_typed_in_a_search_are_plain_characters(app, make):
    make.customer(name='Bakkerij "De Korenbloem" 100%_ok')
    make.customer(name="Bakkerij De Korenbloem 1000 ok")
    assert found(app, '"de korenbloem"') == ['Bakkerij "De Korenbloem" 100%_ok']
    assert found(app, "100%_") == ['Bakkerij "De Korenbloem" 100%_ok']
    assert found(app, 'x" OR "a') == []


def test_the_search_reads_the_index_not_every_customer(app, make):
    make.customer(name="Anna de Vries")
    with app.app_context():
        statement = select(Customer.id).where(customers._matches("vries"))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                plan = " ".join(row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
                assert re.search(r"VIRTUAL TABLE INDEX \d+:", plan), plan
            else:
                connection.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: it would just read them
                plan = " ".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))
                assert search.PG_INDEX in plan, plan


def test_a_search_shorter_than_a_trigram_still_finds_by_reading_every_customer(app, make):
    make.customer(name="Bo Li")
    assert found(app, "li") == ["Bo Li"]
