"""Opening cases: from a customer's QR request, or by a dispatcher for a known product."""
from __future__ import annotations

from flask import current_app

from fieldapp.extensions import db
from fieldapp.models import Asset, Case, CaseStatus, CaseType, Channel, Priority, User
from fieldapp.orm import utcnow
from fieldapp.services import audit, lifecycle
from fieldapp.services.numbering import next_case_number


def _new_case(asset: Asset, **fields) -> Case:
    now = utcnow()
    case = Case(number=next_case_number(now.astimezone(current_app.config["TZ"]).year), asset=asset,
                customer=asset.customer, status=CaseStatus.NEW, created_at=now, **fields)
    db.session.add(case)
    db.session.flush()
    return case


def request_from_qr(asset: Asset, name: str, phone: str | None, email: str | None, description: str,
                    preferred_time: str | None) -> Case:
    """A customer asked for help from the product's label: into the dispatcher's queue."""
    case = _new_case(asset, channel=Channel.QR, case_type=CaseType.REPAIR, priority=Priority.NORMAL,
                     contact_name=name.strip(), contact_phone=(phone or "").strip() or None,
                     contact_email=(email or "").strip().lower() or None, description=description.strip(),
                     preferred_time=(preferred_time or "").strip() or None)
    lifecycle.opened(case, None, "Requested from the product's QR label")
    audit.record("case.requested_by_qr", case, {"asset": asset.id})
    return case


def open_for_asset(asset: Asset, channel: Channel, case_type: CaseType, priority: Priority, description: str,
                   by: User) -> Case:
    customer = asset.customer
    case = _new_case(asset, channel=channel, case_type=case_type, priority=priority,
                     description=description.strip(), created_by=by, contact_name=customer.name,
                     contact_phone=customer.phone, contact_email=customer.email)
    lifecycle.opened(case, by)
    audit.record("case.opened", case, {"asset": asset.id}, user=by)
    return case
