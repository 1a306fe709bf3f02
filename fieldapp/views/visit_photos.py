"""Photos taken on a visit: upload from the phone's camera, thumbnails, full view, removal.
Served only to signed-in staff who may see the visit, never as anything but a JPEG."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user

from fieldapp.auth import STAFF, roles
from fieldapp.downloads import content_disposition
from fieldapp.extensions import db
from fieldapp.forms.visits import PhotoForm, StepForm
from fieldapp.htmx import wants_fragment
from fieldapp.models import Role
from fieldapp.services import idempotency, photos
from fieldapp.services.visits import VisitError
from fieldapp.views.visit_context import page_context, photos_context
from fieldapp.views.visits import load_visit

bp = Blueprint("visit_photos", __name__, url_prefix="/visits/<int:visit_id>/photos")


def _respond(visit_id: int, status: int = 200, form: PhotoForm | None = None, error: str | None = None):
    if not wants_fragment() and status < 400:
        return redirect(url_for("visits.show", visit_id=visit_id, _anchor="photos"), code=303)
    visit = load_visit(visit_id)  # afresh: the write may have changed it
    if not wants_fragment():
        return render_template("visits/show.html", **page_context(visit, photo_form=form, photo_error=error)), status
    return render_template("visits/_photos.html", **photos_context(visit, form), photo_error=error), status


@bp.post("/")
@roles(Role.TECHNICIAN)
def add(visit_id: int):
    visit = load_visit(visit_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        return _respond(visit_id, 422, form)
    if idempotency.claim(form.client_id.data, "visit.add_photo", current_user):
        try:
            photos.save(visit, form.photo.data.read(photos.max_bytes() + 1), current_user)
        except VisitError as refused:
            db.session.rollback()
            return _respond(visit_id, refused.status, form, str(refused))
        db.session.commit()
    return _respond(visit_id)


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
    form = StepForm()
    if not form.validate_on_submit():
        return _respond(visit_id, 422, error="This form is out of date; reload the page.")
    photo = next((p for p in visit.photos if p.id == photo_id), None)
    if photo is not None and idempotency.claim(form.client_id.data, "visit.remove_photo", current_user):
        try:
            photos.remove(visit, photo)
        except VisitError as refused:
            db.session.rollback()
            return _respond(visit_id, refused.status, error=str(refused))
        db.session.commit()
    return _respond(visit_id)
