"""Photos taken on a visit: upload from the phone's camera, thumbnails, full view, removal.
Served only to signed-in staff who may see the visit, never as anything but a JPEG."""
from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user

from fieldapp.forms.visits import PhotoForm, StepForm
from fieldapp.models import Role
from fieldapp.services import photos, visits
from fieldapp.views.visits.page import photos_section, visit_page
from fieldapp.web.actions import act
from fieldapp.web.auth import STAFF, roles
from fieldapp.web.downloads import content_disposition
from fieldapp.web.loaders import load_visit
from fieldapp.web.sections import OnPage

bp = Blueprint("visit_photos", __name__, url_prefix="/visits/<int:visit_id>/photos")


def on_photos(visit_id: int) -> OnPage:
    return OnPage(visit_page, visit_id, anchor="photos", section=photos_section)


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit, form = load_visit(visit_id), PhotoForm()

    return act(form, lambda: photos.save(visit, form.photo.data.read(photos.max_bytes() + 1), current_user,
                                         form.happened_at.data), on_photos(visit_id), "photo")


@bp.get("/<int:photo_id>", defaults={"thumbnail": False})
@bp.get("/<int:photo_id>/thumb", defaults={"thumbnail": True})
@roles(*STAFF)
def show(visit_id: int, photo_id: int, thumbnail: bool):
    visit = load_visit(visit_id)
    photo = next((p for p in visit.photos if p.id == photo_id), None) or abort(404)
    path = photos.path_of(photo, thumbnail)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True)
    response.headers["Cache-Control"] = "no-store"  # a customer's premises: never kept by the browser
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = content_disposition(f"visit-{visit_id}-photo-{photo_id}.jpg")
    return response


@bp.post("/<int:photo_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, photo_id: int):
    visit = load_visit(visit_id)
    photo = next((p for p in visit.photos if p.id == photo_id), None)
    form = StepForm()

    def change():
        visits.technician_time(visit, form.happened_at.data)
        if photo is not None:  # None after a double tap: already gone
            photos.remove(visit, photo)

    return act(form, change, on_photos(visit_id), "remove-photo")
