"""The outbox as the office reads it: mail waiting, given up on or sent, per status and per case,
and what the board warns about."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from fieldapp.extensions import db
from fieldapp.models import Case, MailStatus, OutboundMail


OUTBOX_PAGE = 25


@dataclass
class OutboxPage:
    rows: list[tuple[OutboundMail, str | None]]  # the mail and its case's number
    page: int
    pages: int


def counts() -> dict[MailStatus, int]:
    found = dict(db.session.execute(select(OutboundMail.status, func.count(OutboundMail.id))
                                    .group_by(OutboundMail.status)).all())
    return {status: found.get(status, 0) for status in MailStatus}


def outbox(status: MailStatus, page: int, total: int) -> OutboxPage:
    """One page of mail in this status, newest first, without the attachments' bytes."""
    order = (OutboundMail.sent_at.desc(),) if status is MailStatus.SENT else (OutboundMail.created_at.desc(),)
    rows = db.session.execute(
        select(OutboundMail, Case.number).outerjoin(Case, Case.id == OutboundMail.case_id)
        .where(OutboundMail.status == status).options(defer(OutboundMail.attachment))
        .order_by(*order, OutboundMail.id.desc()).offset((page - 1) * OUTBOX_PAGE).limit(OUTBOX_PAGE)).all()
    return OutboxPage([tuple(row) for row in rows], page, max(1, -(-total // OUTBOX_PAGE)))


def trouble_query():
    """Counts mail that gave up, or whose last try failed: what the board warns about."""
    return select(func.count(OutboundMail.id)).where(
        (OutboundMail.status == MailStatus.FAILED)
        | ((OutboundMail.status == MailStatus.PENDING) & OutboundMail.last_error.is_not(None)))


def trouble_count() -> int:
    return db.session.scalar(trouble_query()) or 0


def for_case(case: Case, limit: int = 20) -> list[OutboundMail]:
    return list(db.session.scalars(select(OutboundMail).where(OutboundMail.case_id == case.id)
                                   .options(defer(OutboundMail.attachment))
                                   .order_by(OutboundMail.created_at.desc(), OutboundMail.id.desc()).limit(limit)))
