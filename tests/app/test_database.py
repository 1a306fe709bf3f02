"""Storage behaviour: SQLite tuning, concurrent writers, UTC times, case numbers."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from fieldapp.extensions import db
from fieldapp.models import NumberSequence, User
from fieldapp.services.numbering import next_case_number, next_value


@pytest.fixture
def sqlite_app(new_app, monkeypatch):
    """Always SQLite, even in the PostgreSQL run: these tests are about SQLite itself."""
    monkeypatch.setattr("tests.conftest.PG_URL", None)
    return new_app()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def _run_threads(count, target):
    errors = []

    def guarded():
        try:
            target()
        except Exception as exc:  # collected, then asserted below
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_read_then_write_saves_never_fail_or_lose_updates_on_sqlite(sqlite_app):
    """Several technicians saving at once: each request reads, then writes. With a deferred
    transaction SQLite would answer "database is locked"; BEGIN IMMEDIATE queues them."""
    with sqlite_app.app_context():
        db.session.add(NumberSequence(name="counter", last_value=0))
        db.session.commit()

    def save_ten_times():
        for _ in range(10):
            with sqlite_app.test_request_context("/save", method="POST"):
                row = db.session.scalar(select(NumberSequence).where(NumberSequence.name == "counter"))
                seen = row.last_value
                threading.Event().wait(0.001)  # widen the race window
                row.last_value = seen + 1
                db.session.commit()
                db.session.remove()

    errors = _run_threads(6, save_ten_times)

    assert errors == []
    with sqlite_app.app_context():
        assert db.session.scalar(select(NumberSequence.last_value)) == 60


def test_case_numbers_stay_unique_and_gapless_under_concurrency(app):
    taken = []
    lock = threading.Lock()

    def take_five():
        for _ in range(5):
            with app.test_request_context("/cases", method="POST"):
                number = next_case_number(2026)
                db.session.commit()
                db.session.remove()
            with lock:
                taken.append(number)

    errors = _run_threads(4, take_five)

    assert errors == []
    assert sorted(taken) == [f"C-2026-{n:05d}" for n in range(1, 21)]


def test_sequences_are_per_name(app):
    with app.app_context():
        assert [next_value("a"), next_value("a"), next_value("b")] == [1, 2, 1]
        assert next_case_number(2027) == "C-2027-00001"


def test_times_are_stored_in_utc_and_read_back_aware(app, make):
    amsterdam = timezone(timedelta(hours=1))
    user = make.user(last_login_at=datetime(2026, 11, 22, 9, 30, tzinfo=amsterdam))
    with app.app_context():
        stored = db.session.get(User, user.id).last_login_at
        assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
        assert stored == datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc)
        if db.engine.dialect.name == "sqlite":
            raw = db.session.execute(text("SELECT last_login_at FROM users")).scalar()
            assert str(raw).startswith("2026-11-22 08:30:00")


def test_naive_datetimes_are_refused(app, make):
    with pytest.raises(Exception, match="naive datetime"):
        make.user(last_login_at=datetime(2026, 11, 22, 9, 30))
