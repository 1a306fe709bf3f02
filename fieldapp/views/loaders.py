"""Records as the signed-in user may see them, shared by the blueprints: 404 otherwise."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.models import Asset, Visit
from fieldapp.services import visits


def load_visit(visit_id: int) -> Visit:
    """The visit, if the signed-in user may see it; another technician's visit is a 404."""
    return visits.visible_visit(current_user, visit_id) or abort(404)


def load_asset(asset_id: int) -> Asset:
    return db.session.get(Asset, asset_id) or abort(404)
