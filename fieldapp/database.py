"""Engine tuning per backend.

SQLite (the embedded default) gets WAL, foreign keys and a busy timeout, and write requests
open their transaction with BEGIN IMMEDIATE: the write lock is taken up front and waited for,
instead of a read transaction failing with "database is locked" when it later tries to write
while another technician is saving. Once a request's write is committed, rendering the answer
only reads: its transaction starts plain, so the write lock is not held while the page renders
(fifty technicians saving at once queue on that lock).
"""
from __future__ import annotations

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15_000


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _writes_expected() else "BEGIN")


def _writes_expected() -> bool:
    """Requests that may write, and all work outside a request (CLI, jobs), lock up front."""
    if not has_request_context():
        return True
    if g.get("_fieldapp_writes"):
        return True
    return request.method not in SAFE_METHODS and not g.get("_fieldapp_reads_only")


def reads_only_from_here() -> None:
    """The request's write is committed; what it does next (rendering the answer) only reads."""
    g._fieldapp_reads_only = True


def writes_again() -> None:
    """The request writes again (after its answer, e.g. sending the mail it committed)."""
    g.pop("_fieldapp_reads_only", None)


def reads_again() -> None:
    """After `writes_from_here`'s write: the request's next transaction only reads again."""
    g.pop("_fieldapp_writes", None)


def writes_from_here() -> None:
    """A GET that records something (a phone's last sync): its next transaction locks up front.
    End the reading transaction first (commit), so the lock is held only for the write."""
    g._fieldapp_writes = True
