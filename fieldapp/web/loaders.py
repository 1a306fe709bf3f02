"""Records as the signed-in user may see them, shared by the blueprints: 404 otherwise."""
from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Role, Visit
from fieldapp.values import parse_id
from fieldapp.services import booking, desk, visits


def load_visit(visit_id: int, page: bool = True) -> Visit:
    """The visit, if the signed-in user may see it; another technician's visit is a 404.
    `page=False`: the visit's row alone, for a write (see visits.visible_visit).

    A technician's write says which plan it was made on (the hidden `schedule_version`): when
    the office rescheduled, reassigned or cancelled the visit meanwhile, the write is refused
    with a 409 that says what changed, never applied to a plan the technician has not seen."""
    visit = visits.visible_visit(current_user, visit_id, page)
    writing = request.method == "POST" and current_user.role is Role.TECHNICIAN
    if visit is None:
        if current_user.role is Role.TECHNICIAN and booking.was_reassigned_from(current_user, visit_id):
            abort(409 if writing else 404, _("The office reassigned this visit to another technician: "
                                             "it is no longer on your list. Nothing was saved."))
        abort(404)
    seen = request.form.get("schedule_version", "") if writing else ""
    if seen:
        try:
            booking.check_version(visit, parse_id(seen))
        except DomainError as changed:
            g.schedule_version = visit.schedule_version  # the plan a queued change may be re-sent on
            abort(409, changed.message)
    return visit


def load_case(case_id: int) -> Case:
    """A case with everything its page shows (office staff only reach the routes that call this)."""
    return desk.case_page(case_id) or abort(404)


def load_asset(asset_id: int) -> Asset:
    return db.session.get(Asset, asset_id) or abort(404)
