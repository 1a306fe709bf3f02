"""Photos taken on a visit: upload from the phone's camera, thumbnails, full view, removal.
Served only to signed-in staff who may see the visit, never as anything but a JPEG."""
from __future__ import annotations

from flask import Blueprint, abort, send_file, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles
from fieldapp.downloads import content_disposition
from fieldapp.forms.visits import PhotoForm, StepForm
from fieldapp.htmx import respond, see_other, wants_fragment
from fieldapp.models import Role
from fieldapp.services import photos, visits
from fieldapp.views.visit_context import page_context, photos_context
from fieldapp.views.loaders import load_visit
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("visit_photos", __name__, url_prefix="/visits/<int:visit_id>/photos")


def _respond(visit_id: int, status: int = 200, form: PhotoForm | None = None, error: str | None = None):
    if not wants_fragment() and status < 400:
        return see_other(url_for("visits.show", visit_id=visit_id, _anchor="photos"))
    visit = load_visit(visit_id)  # afresh: the write may have changed it
    context = (page_context(visit, photo_form=form) if not wants_fragment() else photos_context(visit, form))
    return respond("visits/show.html", "visits/_photos.html", {**context, "photo_error": error}, status)


def _refused(visit_id: int, form: PhotoForm | None = None):
    # A photo the service refused is announced (role=alert) as well as marked at the field.
    return lambda refusal: _respond(visit_id, refusal.status, form, None if refusal.invalid_form else refusal.message)


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit = load_visit(visit_id)
    form = PhotoForm()

    def apply():
        photo = photos.save(visit, form.photo.data.read(photos.max_bytes() + 1), current_user)
        if form.happened_at.data:  # taken on an offline phone: when it was taken
            photo.created_at = visits.technician_time(visit, form.happened_at.data)

    return perform(form, apply, lambda _: _respond(visit_id), _refused(visit_id, form), "visit.add_photo")


@bp.get("/<int:photo_id>", defaults={"thumbnail": False})
@bp.get("/<int:photo_id>/thumb", defaults={"thumbnail": True})
@roles(*STAFF)
def show(visit_id: int, photo_id: int, thumbnail: bool):
    visit = load_visit(visit_id)
    photo = next((p for p in visit.photos if p.id == photo_id), None) or abort(404)
    path = photos.path_of(photo, thumbnail)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = content_disposition(f"visit-{visit_id}-photo-{photo_id}.jpg")
    return response


@bp.post("/<int:photo_id>/remove")
@roles(Role.TECHNICIAN)
def remove(visit_id: int, photo_id: int):
    visit = load_visit(visit_id)
    photo = next((p for p in visit.photos if p.id == photo_id), None)
    form = StepForm()

    def apply():
        visits.technician_time(visit, form.happened_at.data)
        if photo is not None:  # None after a double tap: already gone
            photos.remove(visit, photo)

    def refused(refusal: Refusal):
        message = "This form is out of date; reload the page." if refusal.on_form else refusal.message
        return _respond(visit_id, refusal.status, error=message)

    return perform(form, apply, lambda _: _respond(visit_id), refused, "visit.remove_photo")
