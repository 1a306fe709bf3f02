"""Human case numbers like C-2026-00042, unique and gap-free per year under concurrency."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import NumberSequence


def next_value(name: str) -> int:
    """Increment and return the counter `name`. The UPDATE's row lock orders concurrent callers.
    Nothing pending needs flushing first (the counter depends on no other row): no autoflush."""
    with db.session.no_autoflush:
        return _next_value(name)


def _next_value(name: str) -> int:
    for _ in range(2):
        result = db.session.execute(
            update(NumberSequence).where(NumberSequence.name == name)
            .values(last_value=NumberSequence.last_value + 1)
        )
        if result.rowcount == 1:
            return db.session.scalar(select(NumberSequence.last_value).where(NumberSequence.name == name))
        try:
            with db.session.begin_nested():
                db.session.add(NumberSequence(name=name, last_value=0))
        except IntegrityError:
            pass  # another transaction created it first; the UPDATE will find it
    raise RuntimeError(f"could not take a number from sequence {name}")


def next_case_number(year: int) -> str:
    return f"C-{year}-{next_value(f'case-{year}'):05d}"
